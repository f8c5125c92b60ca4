#include "services/parking/store/redis_permit_repository.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/reason.h"
#include "services/common/strings.h"
#include "services/parking/store/lua/scripts.h"
#include "services/parking/store/redis_parking_repository.h"

namespace stadt::parking {
namespace {

absl::Status ApplicationNotFound() {
  return WithReason(absl::NotFoundError("permit application not found"),
                    "permit_application_not_found");
}

using Fields = std::map<std::string, std::string>;

constexpr size_t kIdLength = 16;  // two hex digits of the plate's bucket, then 14 random
constexpr int kBuckets = 256;
// The applicant's index outlives every application it lists (at most a year
// ahead, a year long, then the retention); stale ids are dropped when read.
constexpr absl::Duration kApplicantIndexTtl = absl::Hours(24 * 366 * 2);

const redis::Script& CreateScript() {
  static const redis::Script* script = new redis::Script(std::string(kCreatePermitApplicationLua));
  return *script;
}
const redis::Script& ApproveScript() {
  static const redis::Script* script = new redis::Script(std::string(kApprovePermitApplicationLua));
  return *script;
}
const redis::Script& RejectScript() {
  static const redis::Script* script = new redis::Script(std::string(kRejectPermitApplicationLua));
  return *script;
}
const redis::Script& RevokeScript() {
  static const redis::Script* script = new redis::Script(std::string(kRevokePermitLua));
  return *script;
}

// KEYS: application, the bucket's pending applications.
// ARGV: applicant, the bucket's key prefix.
const redis::Script& EraseApplicationScript() {
  static const redis::Script* script = new redis::Script(std::string(kErasePermitApplicationLua));
  return *script;
}

bool IsId(std::string_view id) { return IsHexId(id, kIdLength); }

std::string ApplicationKey(std::string_view id) {
  return absl::StrCat(PlateTag(id.substr(0, 2)), "application:", ToAbsl(id));
}
std::string PendingKey(std::string_view bucket) {
  return absl::StrCat(PlateTag(bucket), "pending-applications");
}
// The plate's pending applications, field "<applicant>\n<area>" -> id.
std::string OpenKey(std::string_view plate) {
  return absl::StrCat(PlateTag(PlateBucket(plate)), "open-applications:", ToAbsl(plate));
}
std::string OpenField(const PermitApplication& application) {
  return absl::StrCat(application.applicant, "\n", application.area);
}
std::string ApplicantKey(std::string_view applicant) {
  return absl::StrCat(SubjectTag(applicant), "permit-applications");
}

std::string Millis(absl::Time time) { return absl::StrCat(absl::ToUnixMillis(time)); }

Fields ApplicationFields(const PermitApplication& application) {
  Fields fields = {{"id", application.id},
                   {"applicant", application.applicant},
                   {"country", application.plate.country},
                   {"plate", application.plate.registration},
                   {"plate_key", application.plate.key},
                   {"area", application.area},
                   {"street", application.street},
                   {"house_number", application.house_number},
                   {"first_day", FormatDate(application.first_day)},
                   {"last_day", FormatDate(application.last_day)},
                   {"status", std::string(ApplicationStatusName(application.status))},
                   {"created", Millis(application.created)}};
  return fields;
}

Fields FieldsFromReply(const redis::Reply& reply) {
  Fields fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  return fields;
}

absl::StatusOr<PermitApplication> ApplicationFromFields(const Fields& fields) {
  auto text = [&](const char* name) -> std::string {
    auto it = fields.find(name);
    return it == fields.end() ? "" : it->second;
  };
  const absl::Status corrupt = absl::InternalError("corrupt permit application record");
  PermitApplication application;
  application.id = text("id");
  application.applicant = text("applicant");
  application.plate = {text("country"), text("plate"), text("plate_key")};
  if (application.plate.key.empty()) return corrupt;
  application.area = text("area");
  application.street = text("street");
  application.house_number = text("house_number");
  application.reason = text("reason");
  application.permit_id = text("permit");
  absl::StatusOr<absl::CivilDay> first = ParseDate(text("first_day"), "first_day");
  absl::StatusOr<absl::CivilDay> last = ParseDate(text("last_day"), "last_day");
  std::optional<ApplicationStatus> status = ParseApplicationStatus(text("status"));
  int64_t created = 0;
  if (!IsId(application.id) || !first.ok() || !last.ok() || !status.has_value() ||
      !absl::SimpleAtoi(text("created"), &created)) {
    return corrupt;
  }
  application.first_day = *first;
  application.last_day = *last;
  application.status = *status;
  application.created = absl::FromUnixMillis(created);
  if (int64_t decided = 0; absl::SimpleAtoi(text("decided"), &decided)) {
    application.decided = absl::FromUnixMillis(decided);
  }
  return application;
}

absl::StatusOr<PermitApplication> ApplicationFromReply(const redis::Reply& reply) {
  if (reply.elements.empty()) return ApplicationNotFound();
  return ApplicationFromFields(FieldsFromReply(reply));
}

}  // namespace

absl::StatusOr<PermitRepository::Created> RedisPermitRepository::CreateApplication(
    const PermitApplication& application) {
  PermitApplication stored = application;
  const std::string bucket = PlateBucket(stored.plate.key);
  stored.id = absl::StrCat(bucket, RandomHex(kIdLength - bucket.size()));
  stored.status = ApplicationStatus::kPending;
  // The applicant's index first: an id listed without its record (the script
  // below failed) is skipped and dropped when read; a record missing from the
  // index could not be found by its applicant.
  const std::string index = ApplicantKey(stored.applicant);
  absl::Status indexed =
      redis_
          .Pipeline(
              {{"ZADD", index, Millis(stored.created), stored.id},
               {"PEXPIRE", index, absl::StrCat(absl::ToInt64Milliseconds(kApplicantIndexTtl))}})
          .status();
  if (!indexed.ok()) return indexed;
  std::vector<std::string> args = {stored.id, OpenField(stored), Millis(stored.created)};
  for (const auto& [name, value] : ApplicationFields(stored)) {
    args.push_back(name);
    args.push_back(value);
  }
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(CreateScript(),
                  {ApplicationKey(stored.id), PendingKey(bucket), OpenKey(stored.plate.key)}, args);
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 2) return absl::InternalError("unexpected reply");
  if (reply->elements[0].str == "stored") return Created{stored, true};
  // One is pending already: this id is not needed in the index.
  if (absl::Status dropped = redis_.Command({"ZREM", index, stored.id}).status(); !dropped.ok()) {
    return dropped;
  }
  absl::StatusOr<PermitApplication> pending = GetApplication(reply->elements[1].str);
  if (!pending.ok()) return pending.status();
  return Created{*std::move(pending), false};
}

absl::StatusOr<PermitApplication> RedisPermitRepository::GetApplication(std::string_view id) {
  if (!IsId(id)) return ApplicationNotFound();
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HGETALL", ApplicationKey(id)});
  if (!reply.ok()) return reply.status();
  return ApplicationFromReply(*reply);
}

absl::StatusOr<std::vector<PermitApplication>> RedisPermitRepository::ListApplications(
    std::string_view applicant, int limit) {
  const std::string index = ApplicantKey(applicant);
  absl::StatusOr<redis::Reply> ids =
      redis_.Command({"ZREVRANGE", index, "0", absl::StrCat(limit - 1)});
  if (!ids.ok()) return ids.status();
  std::vector<std::string> listed;
  std::vector<std::vector<std::string>> reads;
  for (const redis::Reply& id : ids->elements) {
    if (!IsId(id.str)) continue;
    listed.push_back(id.str);
    reads.push_back({"HGETALL", ApplicationKey(id.str)});
  }
  std::vector<PermitApplication> applications;
  if (reads.empty()) return applications;
  absl::StatusOr<std::vector<redis::Reply>> records = redis_.Pipeline(reads);
  if (!records.ok()) return records.status();
  std::vector<std::vector<std::string>> stale;
  for (size_t i = 0; i < records->size(); ++i) {
    if ((*records)[i].elements.empty()) {  // past retention
      stale.push_back({"ZREM", index, listed[i]});
      continue;
    }
    absl::StatusOr<PermitApplication> application = ApplicationFromReply((*records)[i]);
    if (!application.ok()) return application.status();
    if (application->applicant == applicant) applications.push_back(*std::move(application));
  }
  if (!stale.empty()) {
    if (absl::Status dropped = redis_.Pipeline(stale).status(); !dropped.ok()) return dropped;
  }
  return applications;
}

absl::StatusOr<std::vector<PermitApplication>> RedisPermitRepository::ListPendingApplications(
    int limit) {
  // The oldest `limit` of every bucket, merged: the oldest `limit` overall.
  std::vector<std::vector<std::string>> reads;
  reads.reserve(kBuckets);
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    reads.push_back({"ZRANGE", PendingKey(absl::StrFormat("%02x", bucket)), "0",
                     absl::StrCat(limit - 1), "WITHSCORES"});
  }
  absl::StatusOr<std::vector<redis::Reply>> pending = redis_.Pipeline(reads);
  if (!pending.ok()) return pending.status();
  std::vector<std::pair<int64_t, std::string>> oldest;
  for (const redis::Reply& bucket : *pending) {
    for (size_t i = 0; i + 1 < bucket.elements.size(); i += 2) {
      int64_t created = 0;
      if (!IsId(bucket.elements[i].str) ||
          !absl::SimpleAtoi(bucket.elements[i + 1].str, &created)) {
        continue;
      }
      oldest.emplace_back(created, bucket.elements[i].str);
    }
  }
  std::sort(oldest.begin(), oldest.end());
  if (static_cast<int>(oldest.size()) > limit) oldest.resize(limit);
  std::vector<PermitApplication> applications;
  if (oldest.empty()) return applications;
  std::vector<std::vector<std::string>> records_read;
  records_read.reserve(oldest.size());
  for (const auto& [created, id] : oldest) records_read.push_back({"HGETALL", ApplicationKey(id)});
  absl::StatusOr<std::vector<redis::Reply>> records = redis_.Pipeline(records_read);
  if (!records.ok()) return records.status();
  for (const redis::Reply& record : *records) {
    if (record.elements.empty()) continue;
    absl::StatusOr<PermitApplication> application = ApplicationFromReply(record);
    if (!application.ok()) return application.status();
    if (application->status == ApplicationStatus::kPending) {
      applications.push_back(*std::move(application));
    }
  }
  return applications;
}

absl::StatusOr<PermitApplication> RedisPermitRepository::Approve(
    const PermitApplication& application, const Permit& permit, std::string_view caseworker,
    absl::Time now) {
  if (!IsId(application.id) || permit.id != application.id) {
    return ApplicationNotFound();
  }
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      ApproveScript(),
      {ApplicationKey(application.id), PendingKey(application.id.substr(0, 2)),
       OpenKey(application.plate.key), PermitsKey(application.plate.key)},
      {application.id, application.plate.key, PermitJson(permit),
       absl::StrCat(absl::ToUnixSeconds(permit.valid_until)), Millis(now), std::string(caseworker),
       absl::StrCat(absl::ToInt64Milliseconds(options_.retention)), OpenField(application)});
  if (!reply.ok()) return reply.status();
  return ApplicationFromReply(*reply);
}

absl::StatusOr<PermitApplication> RedisPermitRepository::Reject(
    const PermitApplication& application, std::string_view reason, std::string_view caseworker,
    absl::Time now) {
  if (!IsId(application.id)) return ApplicationNotFound();
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      RejectScript(),
      {ApplicationKey(application.id), PendingKey(application.id.substr(0, 2)),
       OpenKey(application.plate.key)},
      {application.id, application.plate.key, std::string(reason), Millis(now),
       std::string(caseworker), absl::StrCat(absl::ToInt64Milliseconds(options_.retention)),
       OpenField(application)});
  if (!reply.ok()) return reply.status();
  return ApplicationFromReply(*reply);
}

absl::StatusOr<Permit> RedisPermitRepository::Revoke(std::string_view plate,
                                                     std::string_view permit_id,
                                                     std::string_view reason, absl::Time now) {
  // A permit's id starts with its plate's bucket: any other id is no permit
  // of this plate (and its keys would lie in another hash slot).
  if (!IsId(permit_id) || !permit_id.starts_with(PlateBucket(plate))) {
    return WithReason(absl::NotFoundError("permit not found"), "permit_not_found");
  }
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(RevokeScript(), {PermitsKey(plate), ApplicationKey(permit_id)},
                  {std::string(permit_id), std::string(reason), Millis(now)});
  if (!reply.ok()) return reply.status();
  return PermitFromJson(reply->str);
}

absl::StatusOr<int> RedisPermitRepository::EraseApplicant(std::string_view applicant) {
  const std::string index = ApplicantKey(applicant);
  absl::StatusOr<redis::Reply> ids = redis_.Command({"ZRANGE", index, "0", "-1"});
  if (!ids.ok()) return ids.status();
  int erased = 0;
  for (const redis::Reply& id : ids->elements) {
    if (!IsId(id.str)) continue;
    const std::string bucket = id.str.substr(0, 2);
    absl::StatusOr<redis::Reply> done =
        redis_.Eval(EraseApplicationScript(), {ApplicationKey(id.str), PendingKey(bucket)},
                    {std::string(applicant), PlateTag(bucket)});
    if (!done.ok()) return done.status();
    erased += static_cast<int>(done->integer);
  }
  absl::StatusOr<redis::Reply> dropped = redis_.Command({"DEL", index});
  if (!dropped.ok()) return dropped.status();
  return erased;
}

}  // namespace stadt::parking
