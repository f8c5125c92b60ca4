#pragma once

#include <string_view>

// The KPI ids agreed with the monitoring service (see README.md in this
// directory). Reporters use these constants so that a typo is a compile error
// instead of an event the monitoring service rejects.
namespace stadt::kpi {

inline constexpr std::string_view kAppointmentsBooked = "appointments_booked";
inline constexpr std::string_view kAppointmentsCancelled = "appointments_cancelled";
inline constexpr std::string_view kAppointmentsNoShowRate = "appointments_no_show_rate";
inline constexpr std::string_view kAppointmentsDaysToNextFreeSlot =
    "appointments_days_to_next_free_slot";
inline constexpr std::string_view kDaycareApplicationsSubmitted = "daycare_applications_submitted";
inline constexpr std::string_view kDaycarePlacementRate = "daycare_placement_rate";
inline constexpr std::string_view kDaycareFirstChoiceShare = "daycare_first_choice_share";
inline constexpr std::string_view kDaycareOffersAccepted = "daycare_offers_accepted";
inline constexpr std::string_view kDaycareOffersDeclined = "daycare_offers_declined";
inline constexpr std::string_view kDaycareOffersExpired = "daycare_offers_expired";
inline constexpr std::string_view kParkingSessionsStarted = "parking_sessions_started";
inline constexpr std::string_view kParkingRevenueCents = "parking_revenue_cents";
inline constexpr std::string_view kParkingSessionMinutes = "parking_session_minutes";
inline constexpr std::string_view kParkingPlateChecks = "parking_plate_checks";
inline constexpr std::string_view kParkingChecksUnpaidRate = "parking_checks_unpaid_rate";
inline constexpr std::string_view kVideoConsultationsBooked = "video_consultations_booked";
inline constexpr std::string_view kVideoConsultationsHeld = "video_consultations_held";
inline constexpr std::string_view kVideoNoShowRate = "video_no_show_rate";
inline constexpr std::string_view kVideoWaitSeconds = "video_wait_seconds";
inline constexpr std::string_view kNotificationsMailsSent = "notifications_mails_sent";
inline constexpr std::string_view kNotificationsMailsDeferred = "notifications_mails_deferred";
inline constexpr std::string_view kNotificationsMailsFailed = "notifications_mails_failed";
inline constexpr std::string_view kNotificationsDeliverySeconds = "notifications_delivery_seconds";
inline constexpr std::string_view kServiceRequestSuccess = "service_request_success";
inline constexpr std::string_view kReporterEventsDropped = "reporter_events_dropped";

// Dimension keys. Only these reach the monitoring service: each names an
// office, a district, a zone, a department, a service or an age group, never
// a person.
inline constexpr std::string_view kOffice = "office";
inline constexpr std::string_view kDistrict = "district";
inline constexpr std::string_view kZone = "zone";
inline constexpr std::string_view kDepartment = "department";
inline constexpr std::string_view kService = "service";
inline constexpr std::string_view kAgeGroup = "age_group";

inline bool IsAllowedDimensionKey(std::string_view key) {
  return key == kOffice || key == kDistrict || key == kZone || key == kDepartment ||
         key == kService || key == kAgeGroup;
}

}  // namespace stadt::kpi
