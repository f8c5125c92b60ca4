#pragma once

#include <string>

#include "services/common/booking/domain/schedule.h"
#include "services/common/config.h"

namespace stadt::booking {

// Which environment variables a service's booking rules come from.
struct BookingRulesVariables {
  std::string prefix;  // "APPOINTMENTS_" reads APPOINTMENTS_MIN_NOTICE, ...
  // The variable (after the prefix) of BookingRules::same_service_window_days,
  // named by the service ("SERVICE_WINDOW_DAYS", "TOPIC_WINDOW_DAYS"). Every
  // name is a literal at the call or in the reader: tests/k8s derives the
  // variables a binary reads from them.
  std::string same_service_window;
  // Whether the service offers a rolling release time (<prefix>RELEASE_TIME)
  // and optional e-mail confirmation (<prefix>EMAIL_CONFIRMATION[_TTL]).
  bool release_time = true;
  bool email_confirmation = true;
};

// Reads the rules, each variable bounded, starting from `defaults`:
//   MIN_NOTICE (0-14d), HORIZON_DAYS (1-365), RELEASE_TIME (00:00-23:59 as a
//   duration), HOLD_TTL (30s-30m), MAX_ACTIVE_BOOKINGS (1-100), the same-service
//   window (0-365 days), REMINDER_LEAD (0-14d), RETENTION_DAYS (0-3650),
//   EMAIL_CONFIRMATION (bool) with EMAIL_CONFIRMATION_TTL (1m-24h, default 30m).
// Errors are collected by `config` (EnvConfig::Finish reports them).
BookingRules ReadBookingRules(EnvConfig& config, const BookingRulesVariables& variables,
                              const BookingRules& defaults = BookingRules());

}  // namespace stadt::booking
