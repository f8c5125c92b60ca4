#pragma once

#include <span>
#include <string_view>

namespace stadt::gateway {

// One refusal reason of the API (the `details[0].reason` of an error) with
// what a client sees: the HTTP status it comes with and the message for
// people, in German and in English. The gateway writes the message in the
// caller's language (Accept-Language, German by default); the service's own
// text, meant for developers, goes to `details[0].detail`.
struct ReasonText {
  std::string_view reason;
  int http_status = 0;
  std::string_view de;
  std::string_view en;
};

// Every reason the API answers, sorted by reason. A route declares the
// service refusals it can give (`reasons` in its proto option); the route
// table refuses a reason that is not listed here, so each has its texts.
std::span<const ReasonText> AllReasons();

// The entry of `reason`, or nullptr.
const ReasonText* FindReason(std::string_view reason);

// "de" or "en" (anything else: German).
std::string_view MessageIn(const ReasonText& text, std::string_view language);

// Reasons any route may answer, documented once rather than per route: the
// gateway's own checks (body, token, role, rate limit, backend health) and
// the generic fallbacks a service gives without a specific reason.
std::span<const std::string_view> CommonReasons();

}  // namespace stadt::gateway
