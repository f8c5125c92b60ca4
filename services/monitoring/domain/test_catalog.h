#pragma once

// A small catalog for the domain tests: one KPI of each kind, measures with
// a dependency chain.
namespace stadt::monitoring::testing {

inline constexpr char kTestCatalog[] = R"({
  "version": "test-1",
  "fields_of_action": [
    {"number": 1, "title": "Modern and digital administration"},
    {"number": 2, "title": "IT and digital services"},
    {"number": 3, "title": "Digital citizen services"},
    {"number": 4, "title": "Innovation and sustainability"},
    {"number": 5, "title": "Smart city"}],
  "kpis": [
    {"id": "booked", "name": "Booked", "description": "Bookings", "unit": "appointments",
     "owning_service": "appointments", "field_of_action": 3, "aggregation": "count",
     "target": 10, "direction": "higher_is_better", "warning_threshold": 5, "grain": "day",
     "dimensions": ["office"], "published": true},
    {"id": "no_show_rate", "name": "No-shows", "description": "Share not showing up",
     "unit": "ratio", "owning_service": "appointments", "field_of_action": 3,
     "aggregation": "ratio", "target": 0.1, "direction": "lower_is_better",
     "warning_threshold": 0.2, "grain": "day", "dimensions": ["office"], "published": true},
    {"id": "revenue_cents", "name": "Revenue", "description": "Parking revenue", "unit": "cents",
     "owning_service": "parking", "field_of_action": 5, "aggregation": "sum",
     "target": 1000, "direction": "higher_is_better", "warning_threshold": 500, "grain": "month",
     "dimensions": ["zone"], "published": false},
    {"id": "session_minutes", "name": "Session length", "description": "Parked minutes",
     "unit": "minutes", "owning_service": "parking", "field_of_action": 5,
     "aggregation": "average", "target": 60, "direction": "lower_is_better",
     "warning_threshold": 90, "grain": "day", "dimensions": ["zone"], "published": true},
    {"id": "wait_seconds", "name": "Waiting time", "description": "Seconds waited",
     "unit": "seconds", "owning_service": "video", "field_of_action": 2,
     "aggregation": "p90", "target": 120, "direction": "lower_is_better",
     "warning_threshold": 300, "grain": "hour", "dimensions": ["department"], "published": true}],
  "measures": [
    {"id": "platform", "title": "Service platform", "field_of_action": 2, "priority": 1,
     "owner_department": "IT", "milestones": [
       {"title": "Tender", "due": "2030-01-31", "state": "blocked"}]},
    {"id": "online_booking", "title": "Online booking", "field_of_action": 3, "priority": 2,
     "owner_department": "Citizens' offices", "depends_on": ["platform"],
     "milestones": [{"title": "Pilot", "due": "2030-03-01", "state": "in_progress"}],
     "kpis": ["booked", "no_show_rate"]},
    {"id": "reminders", "title": "SMS reminders", "field_of_action": 3, "priority": 3,
     "owner_department": "Citizens' offices", "depends_on": ["online_booking"],
     "milestones": [{"title": "Go live", "due": "2030-12-01", "state": "planned"}]},
    {"id": "smart_parking", "title": "Smart parking", "field_of_action": 5, "priority": 2,
     "owner_department": "Public order", "kpis": ["revenue_cents"],
     "milestones": [{"title": "Sensors", "due": "2029-06-01", "state": "done"}]}]
})";

}  // namespace stadt::monitoring::testing
