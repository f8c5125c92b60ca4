// The appointments service's writes under a booking load, against a running
// Redis (Cluster) — for bench/redis/key_spread.sh, which counts the keys and
// commands each primary got (issue 20, docs/redis-cluster.md).
//
//   stadt-booking-load <port of a cluster node> [offices=60] [days=5] [bookings=30]
//
// Per office and day: `bookings` holds confirmed (reserve / take / commit,
// ids drawn to fit the office's bucket as the booking core does), every
// tenth cancelled and every twentieth moved to the next office. Prints what it
// did; exits non-zero on any refused step.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/appointments/store/redis_counter_repository.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/crypto/crypto.h"

namespace stadt::booking {
namespace {

// 2037-12-01 00:00 UTC: Redis expiries computed from it lie ahead.
const absl::Time kNow = absl::FromUnixSeconds(2143238400);

std::string Fitting(const RedisBookingRepository& store, const std::string& office, bool code) {
  for (;;) {
    std::string id = code ? NewBookingCode() : crypto::Base64Url(crypto::RandomBytes(16));
    if (store.IdFitsResource(id, office)) return id;
  }
}

int Main(int argc, char** argv) {
  int port = 0, offices = 60, days = 5, bookings = 30;
  if (argc < 2 || !absl::SimpleAtoi(argv[1], &port) ||
      (argc > 2 && !absl::SimpleAtoi(argv[2], &offices)) ||
      (argc > 3 && !absl::SimpleAtoi(argv[3], &days)) ||
      (argc > 4 && !absl::SimpleAtoi(argv[4], &bookings))) {
    std::cerr << "usage: stadt-booking-load <cluster port> [offices] [days] [bookings]\n";
    return 2;
  }
  redis::Options options;
  options.mode = redis::Mode::kCluster;
  options.seeds = {{"127.0.0.1", port}};
  std::unique_ptr<redis::Client> redis = redis::Client::Create(options);
  RedisBookingRepository store(*redis, appointments::AppointmentKeys());
  int confirmed = 0, cancelled = 0, moved = 0, person = 0;
  for (int o = 0; o < offices; ++o) {
    const std::string office = absl::StrCat("office-", o);
    for (int d = 0; d < days; ++d) {
      for (int b = 0; b < bookings; ++b) {
        HoldRecord hold;
        hold.hold_id = Fitting(store, office, false);
        hold.client = absl::StrCat("citizen-", ++person);
        hold.resource_id = office;
        hold.day = absl::StrCat("2037-12-0", d + 2);
        hold.start_bucket = 32 + b;
        hold.buckets = 1;
        hold.service_ids = {"id-card"};
        hold.start = kNow + absl::Hours(24 * (d + 1)) + absl::Minutes(15 * b);
        hold.end = hold.start + absl::Minutes(15);
        hold.expires_at = kNow + absl::Minutes(10);
        if (absl::Status held = store.PutHold(hold, {2}, kNow); !held.ok()) {
          std::cerr << "hold: " << held << "\n";
          return 1;
        }
        BookingRecord booking;
        booking.code = Fitting(store, office, true);
        booking.client = hold.client;
        booking.person_key = absl::StrCat("person-", person);
        booking.token_hash = "hash";
        booking.remind_at = hold.start - absl::Hours(24);
        absl::StatusOr<std::string> code = store.ConfirmHold(
            hold.hold_id, booking, {3, absl::Hours(24 * 30)}, kNow, hold.end + absl::Hours(24));
        if (!code.ok()) {
          std::cerr << "confirm: " << code.status() << "\n";
          return 1;
        }
        ++confirmed;
        if (b % 10 == 9) {
          if (!store.CancelBooking(*code, kNow).ok()) return 1;
          ++cancelled;
        } else if (b % 20 == 4) {
          BookingRecord to = *store.GetBooking(*code);
          to.resource_id = absl::StrCat("office-", (o + 1) % offices);
          absl::StatusOr<BookingRecord> done =
              store.MoveBooking(*code, to, {2}, kNow, to.end + absl::Hours(24));
          if (!done.ok()) {
            std::cerr << "move: " << done.status() << "\n";
            return 1;
          }
          ++moved;
        }
      }
    }
  }
  std::cout << "confirmed " << confirmed << ", cancelled " << cancelled << ", moved " << moved
            << " (" << offices << " offices x " << days << " days)\n";
  return 0;
}

}  // namespace
}  // namespace stadt::booking

int main(int argc, char** argv) { return stadt::booking::Main(argc, argv); }
