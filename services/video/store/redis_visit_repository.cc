#include "services/video/store/redis_visit_repository.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/video/store/lua/scripts.h"

namespace stadt::video {
namespace {

// KEYS: visit, booking, outbox.
// ARGV: expected state, delete after ms, event type, code, then field/value
//       pairs of the new visit (state first).
const redis::Script& StepScript() {
  static const redis::Script* script = new redis::Script(std::string(kStepVisitLua));
  return *script;
}

std::string Millis(absl::Time time) {
  return time == absl::InfinitePast() ? "" : absl::StrCat(absl::ToUnixMillis(time));
}

absl::Time FromMillis(const std::string& text) {
  int64_t millis = 0;
  return absl::SimpleAtoi(text, &millis) ? absl::FromUnixMillis(millis) : absl::InfinitePast();
}

Visit VisitFromReply(const redis::Reply& reply) {
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  Visit visit;
  visit.state = VisitStateFromName(fields["state"]);
  visit.privacy_notice_version = fields["privacy"];
  visit.terms_version = fields["terms"];
  visit.consented_at = FromMillis(fields["consented_ms"]);
  visit.waiting_since = FromMillis(fields["waiting_ms"]);
  visit.admitted_at = FromMillis(fields["admitted_ms"]);
  visit.identity_checked_at = FromMillis(fields["id_checked_ms"]);
  visit.ended_at = FromMillis(fields["ended_ms"]);
  visit.outcome = fields["outcome"];
  return visit;
}

}  // namespace

const booking::BookingKeys& VideoKeys() {
  static const booking::BookingKeys* keys =
      new booking::BookingKeys(booking::BookingKeys::Spread("video"));
  return *keys;
}

absl::StatusOr<std::string> RedisVisitRepository::VisitKey(const std::string& code) {
  absl::StatusOr<std::string> prefix = bookings_.RecordPrefix(code);
  if (prefix.status().code() == absl::StatusCode::kNotFound) {
    return absl::StrCat(bookings_.keys().For(code), "visit:", code);  // no booking: no visit
  }
  if (!prefix.ok()) return prefix.status();
  return absl::StrCat(*prefix, "visit:", code);
}

absl::StatusOr<Visit> RedisVisitRepository::Get(const std::string& code) {
  absl::StatusOr<std::string> key = VisitKey(code);
  if (!key.ok()) return key.status();
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HGETALL", *key});
  if (!reply.ok()) return reply.status();
  return VisitFromReply(*reply);
}

absl::StatusOr<std::map<std::string, Visit>> RedisVisitRepository::GetMany(
    const std::vector<std::string>& codes) {
  std::map<std::string, Visit> visits;
  if (codes.empty()) return visits;
  std::vector<std::vector<std::string>> commands;
  commands.reserve(codes.size());
  for (const std::string& code : codes) {
    absl::StatusOr<std::string> key = VisitKey(code);
    if (!key.ok()) return key.status();
    commands.push_back({"HGETALL", *key});
  }
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < codes.size(); ++i) visits[codes[i]] = VisitFromReply((*replies)[i]);
  return visits;
}

absl::Status RedisVisitRepository::Apply(const std::string& code, const VisitStep& step) {
  const Visit& to = step.to;
  absl::StatusOr<std::string> prefix = bookings_.RecordPrefix(code);
  if (!prefix.ok()) return prefix.status();
  return redis_
      .Eval(StepScript(),
            {absl::StrCat(*prefix, "visit:", code), absl::StrCat(*prefix, "booking:", code),
             absl::StrCat(*prefix, "outbox")},
            {std::string(VisitStateName(step.from)),
             absl::StrCat(absl::ToUnixMillis(step.delete_after)),
             step.event,
             code,
             "state",
             std::string(VisitStateName(to.state)),
             "privacy",
             to.privacy_notice_version,
             "terms",
             to.terms_version,
             "consented_ms",
             Millis(to.consented_at),
             "waiting_ms",
             Millis(to.waiting_since),
             "admitted_ms",
             Millis(to.admitted_at),
             "id_checked_ms",
             Millis(to.identity_checked_at),
             "ended_ms",
             Millis(to.ended_at),
             "outcome",
             to.outcome})
      .status();
}

}  // namespace stadt::video
