// Closing an office-day with 300 bookings, "move": the domain and store on a
// real Redis (no gateway: what is measured is the processing). Checks that
// every booking was moved or cancelled, each with exactly one outbox event,
// that no bucket is over its capacity, and that retrying changes nothing;
// prints the processing time (target: under 2 s).
//
// Usage: stadt-closure-bench REDIS_PORT [BOOKINGS=300]
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/appointments/domain/office_closures.h"
#include "services/appointments/store/redis_catalog_repository.h"
#include "services/appointments/store/redis_counter_repository.h"
#include "services/common/booking/store/outbox_testing.h"
#include "services/common/booking/store/redis_booking_repository.h"

namespace stadt::appointments {
namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "closure bench: %s\n", what.c_str());
  return 1;
}

Office BenchOffice(const std::string& id, int counters) {
  Office office;
  office.id = id;
  office.name = id;
  office.district = "Bench";
  office.address = {"Platz 1", "70173", "Stuttgart"};
  office.service_ids = {"id-card"};
  office.slot_minutes = 10;
  for (int weekday = 1; weekday <= 7; ++weekday) {
    office.counters.push_back({weekday, 8 * 60, 18 * 60, counters});
  }
  return office;
}

int Run(int port, int count) {
  redis::Options options;
  options.port = port;
  options.pool_size = 4;
  std::unique_ptr<redis::Client> redis = redis::Client::Create(options);
  if (!redis->Command({"FLUSHALL"}).ok()) return Fail("redis not reachable");
  RedisCatalogRepository catalog(*redis);
  booking::RedisBookingRepository bookings(
      *redis, AppointmentKeys(),
      booking::RedisBookingRepository::Options{.check_in_closes_booking = true});
  Catalog seed;
  seed.services = {{"id-card", "ID card", 10, {}}};
  // 10 counters, 8-18 h: 600 places a day; the closed day is half full.
  seed.offices = {BenchOffice("bench", 10)};
  if (!catalog.ApplySeed(seed, "bench").ok()) return Fail("seed");

  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Europe/Berlin", &zone)) return Fail("no tzdata");
  booking::BookingRules rules;
  rules.min_notice = absl::Hours(1);
  rules.check_in_closes_booking = true;
  SystemClock clock;
  const booking::Calendar calendar(rules, zone);
  const auto secrets = booking::BookingSecrets::Derive("closure bench key");
  OfficeBookings office_bookings(catalog, bookings, clock, calendar, secrets);
  booking::BookingCore core(bookings, clock, calendar, secrets);
  OfficeClosures closures(catalog, bookings, core);

  // The office-day ten days ahead, with `count` bookings from 8:00 on.
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), zone) + 10;
  const std::string date = booking::FormatDate(day);
  std::vector<std::string> codes;
  for (int i = 0; i < count; ++i) {
    const int slot = i / 10;  // ten counters per start
    const absl::Time start =
        absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), 8, 0), zone) +
        absl::Minutes(10 * slot);
    const std::string client = absl::StrCat("bench-citizen-", i);
    absl::StatusOr<HoldView> hold = office_bookings.CreateHold(client, "bench", {"id-card"}, start);
    if (!hold.ok()) return Fail(absl::StrCat("hold ", i, ": ", hold.status().ToString()));
    absl::StatusOr<BookingView> booked = office_bookings.Confirm(
        client, hold->hold_id, {"Bench", absl::StrCat("bench", i, "@example.org"), ""});
    if (!booked.ok()) return Fail(absl::StrCat("confirm ", i, ": ", booked.status().ToString()));
    codes.push_back(booked->record.code);
  }
  const Closure closure{"bench-closed", date, date, 0, 24 * 60, 0, "Benchmark"};
  absl::StatusOr<ClosureReport> declared = closures.Declare("bench", closure);
  if (!declared.ok()) return Fail(declared.status().ToString());
  if (static_cast<int>(declared->bookings.size()) != count) return Fail("not all listed");

  const absl::Time started = absl::Now();
  absl::StatusOr<ClosureReport> report =
      closures.Resolve("bench", closure.id, ClosureAction::kMove, "", "");
  const absl::Duration took = absl::Now() - started;
  if (!report.ok()) return Fail(report.status().ToString());

  // Checks: every booking moved or cancelled, one event each, no bucket over.
  int failures = 0;
  if (report->moved + report->cancelled != count) {
    std::fprintf(stderr, "moved %d + cancelled %d != %d\n", report->moved, report->cancelled,
                 count);
    ++failures;
  }
  absl::StatusOr<redis::Reply> stream = booking::AllOutboxEvents(*redis, AppointmentKeys());
  if (!stream.ok()) return Fail("outbox");
  std::map<std::string, int> events;
  for (const redis::Reply& entry : stream->elements) {
    const std::vector<redis::Reply>& fields = entry.elements[1].elements;
    std::map<std::string, std::string> event;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
    if (event["cause"] == "closure") ++events[event["code"]];
  }
  for (const std::string& code : codes) {
    if (events[code] != 1) {
      std::fprintf(stderr, "%s: %d events\n", code.c_str(), events[code]);
      ++failures;
    }
    absl::StatusOr<booking::BookingRecord> record = bookings.GetBooking(code);
    if (!record.ok() ||
        (record->status == booking::BookingStatus::kConfirmed && record->day == date)) {
      std::fprintf(stderr, "%s: still on the closed day\n", code.c_str());
      ++failures;
    }
  }
  Office office = *catalog.GetOffice("bench");
  for (absl::CivilDay d = day - 10; d <= day + 10; ++d) {
    const booking::DayPlan plan = PlanDay(office, d);
    absl::StatusOr<std::vector<booking::DayUsage>> usage =
        bookings.GetUsage({{"bench", booking::FormatDate(d)}}, absl::Now());
    if (!usage.ok()) return Fail("usage");
    for (const auto& [bucket, taken] : (*usage)[0].booked) {
      if (taken > plan.capacity[bucket]) {
        std::fprintf(stderr, "%s bucket %d: %d > %d\n", booking::FormatDate(d).c_str(), bucket,
                     taken, plan.capacity[bucket]);
        ++failures;
      }
    }
  }
  absl::StatusOr<ClosureReport> again =
      closures.Resolve("bench", closure.id, ClosureAction::kMove, "", "");
  if (!again.ok() || !again->bookings.empty()) {
    std::fprintf(stderr, "retrying changed something\n");
    ++failures;
  }
  std::printf(
      "closure of an office-day with %d bookings (move): %d moved, %d cancelled in %.0f ms"
      " (target < 2000 ms); checks: %s\n",
      count, report->moved, report->cancelled, absl::ToDoubleMilliseconds(took),
      failures == 0 ? "all passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace stadt::appointments

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s REDIS_PORT [BOOKINGS=300]\n", argv[0]);
    return 2;
  }
  return stadt::appointments::Run(std::atoi(argv[1]), argc == 3 ? std::atoi(argv[2]) : 300);
}
