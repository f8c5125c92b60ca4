#include "services/common/booking/config/booking_rules_config.h"

namespace stadt::booking {

BookingRules ReadBookingRules(EnvConfig& config, const BookingRulesVariables& variables,
                              const BookingRules& defaults) {
  const auto name = [&variables](const char* suffix) { return variables.prefix + suffix; };
  BookingRules rules = defaults;
  // Negative: a slot that began up to that long ago can still be booked (a
  // counter booking a caller into the running slot; the staff app's browser
  // test uses it for a booking past its no-show grace at once).
  rules.min_notice = config.Duration(name("MIN_NOTICE"), defaults.min_notice, -absl::Hours(1),
                                     absl::Hours(24 * 14));
  rules.horizon_days = config.Int(name("HORIZON_DAYS"), defaults.horizon_days, 1, 365);
  if (variables.release_time) {
    rules.release_minute_of_day = static_cast<int>(absl::ToInt64Minutes(
        config.Duration(name("RELEASE_TIME"), absl::Minutes(defaults.release_minute_of_day),
                        absl::ZeroDuration(), absl::Hours(24) - absl::Minutes(1))));
  }
  rules.hold_ttl =
      config.Duration(name("HOLD_TTL"), defaults.hold_ttl, absl::Seconds(30), absl::Minutes(30));
  rules.max_active_bookings_per_person =
      config.Int(name("MAX_ACTIVE_BOOKINGS"), defaults.max_active_bookings_per_person, 1, 100);
  rules.same_service_window_days = config.Int(variables.prefix + variables.same_service_window,
                                              defaults.same_service_window_days, 0, 365);
  rules.reminder_lead = config.Duration(name("REMINDER_LEAD"), defaults.reminder_lead,
                                        absl::ZeroDuration(), absl::Hours(24 * 14));
  rules.retention_days = config.Int(name("RETENTION_DAYS"), defaults.retention_days, 0, 3650);
  // Optional e-mail confirmation: the booking is made when the mailed link is
  // used within the TTL (the slot stays held until then).
  if (variables.email_confirmation && config.Bool(name("EMAIL_CONFIRMATION"), false)) {
    rules.email_confirmation_ttl = config.Duration(
        name("EMAIL_CONFIRMATION_TTL"), absl::Minutes(30), absl::Minutes(1), absl::Hours(24));
  }
  return rules;
}

}  // namespace stadt::booking
