#include "services/monitoring/store/redis_monitoring_repository.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/strings.h"
#include "services/monitoring/store/lua/scripts.h"

namespace stadt::monitoring {
namespace {

// Counts a batch of events exactly once each. Event ids are claimed with
// HSETNX in a hash per hour of event time (a retry repeats the event, time
// included, so it lands in the same hash); the hash expires as a whole, which
// is cheaper in memory and CPU than a key with a TTL per event. Events that
// share a KPI, periods and dimension values share a "plan": per event the
// script only claims the event id and adds to its plan's count, sum and histogram; then it
// checks each plan's dimension values against the cardinality bound once and
// writes each hash field once. Redis runs the script atomically, so the ids
// and the aggregates always agree.
//
// KEYS: the period hashes and the event-id hashes (K keys with an expiry),
//       then the dimension value sets.
// ARGV: max values per dimension key, K, K expire-at Unix seconds (0: never),
//       number of plans, each plan as <n periods> <period key indexes...>
//       <n dims> (<set key index> <value> <field suffix>)..., number of
//       events, each event as <event-id hash index> <event id> <plan number>
//       <value> <histogram bucket or "">.
// Returns {accepted, duplicates, dimension values refused}.
const redis::Script& IngestScript() {
  static const redis::Script* script = new redis::Script(std::string(kIngestEventsLua));
  return *script;
}

// Every key of a KPI carries the KPI as its hash tag: a batch of one KPI is one
// script on one slot, and the KPIs spread over a Redis Cluster's primaries.
std::string KpiPrefix(const std::string& kpi_id) { return absl::StrCat("mon:{kpi:", kpi_id, "}:"); }

char GrainLetter(Grain grain) {
  switch (grain) {
    case Grain::kHour:
      return 'h';
    case Grain::kDay:
      return 'd';
    case Grain::kMonth:
      return 'm';
    case Grain::kAll:
      return 'a';
  }
  return 'a';
}

std::string PeriodKeyName(const std::string& kpi_id, const PeriodRef& period) {
  return absl::StrCat(KpiPrefix(kpi_id), "p:", std::string(1, GrainLetter(period.grain)), ":",
                      absl::ToUnixSeconds(period.start));
}

// Assigns each distinct string a 1-based index into KEYS.
class KeyList {
 public:
  int Index(const std::string& key) {
    auto [it, inserted] = index_.emplace(key, static_cast<int>(keys_.size()) + 1);
    if (inserted) keys_.push_back(key);
    return it->second;
  }
  std::vector<std::string>& keys() { return keys_; }

 private:
  std::map<std::string, int> index_;
  std::vector<std::string> keys_;
};

// Event ids are claimed per KPI: an event belongs to one KPI, so a retried
// event meets its own id under the same KPI's tag.
std::string SeenKeyName(const std::string& kpi_id, absl::Time hour) {
  return absl::StrCat(KpiPrefix(kpi_id), "ev:", absl::ToUnixSeconds(hour));
}

// The start of the event's hour (Unix time, independent of the time zone).
absl::Time EventHour(const IngestEvent& event) {
  for (const PeriodRef& period : event.periods) {
    if (period.grain == Grain::kHour) return period.start;
  }
  return absl::UnixEpoch();
}

std::string PlanSignature(const IngestEvent& event) {
  std::string signature = event.kpi_id;
  for (const PeriodRef& period : event.periods) {
    absl::StrAppend(&signature, "|", std::string(1, GrainLetter(period.grain)),
                    absl::ToUnixSeconds(period.start));
  }
  for (const auto& [key, value] : event.dimensions)
    absl::StrAppend(&signature, "|", key, "=", value);
  return signature;
}

}  // namespace

absl::Time RedisMonitoringRepository::ExpireAt(const PeriodRef& period) const {
  switch (period.grain) {
    case Grain::kHour:
      return period.start + options_.hour_retention;
    case Grain::kDay:
      return period.start + options_.day_retention;
    case Grain::kMonth:
      return period.start + options_.month_retention;
    case Grain::kAll:
      return absl::InfinitePast();
  }
  return absl::InfinitePast();
}

absl::StatusOr<IngestCounts> RedisMonitoringRepository::Ingest(
    const std::vector<IngestEvent>& events) {
  // One script per KPI (its keys share one hash slot). Not atomic across
  // KPIs: if one fails the batch is reported failed, and its retry counts
  // the KPIs already done as duplicates, since their event ids are claimed.
  std::map<std::string, std::vector<IngestEvent>> by_kpi;
  for (const IngestEvent& event : events) by_kpi[event.kpi_id].push_back(event);
  IngestCounts total;
  for (const auto& [kpi_id, kpi_events] : by_kpi) {
    absl::StatusOr<IngestCounts> counts = IngestOneKpi(kpi_events);
    if (!counts.ok()) return counts.status();
    total.accepted += counts->accepted;
    total.duplicates += counts->duplicates;
    total.dimension_values_refused += counts->dimension_values_refused;
  }
  return total;
}

absl::StatusOr<IngestCounts> RedisMonitoringRepository::IngestOneKpi(
    const std::vector<IngestEvent>& events) {
  if (events.empty()) return IngestCounts();
  // Keys with an expiry first: their KEYS indexes double as indexes of
  // expire-at.
  KeyList keys;
  std::vector<std::string> expire_at;
  auto add_expiring = [&](const std::string& key, absl::Time at) {
    const size_t before = keys.keys().size();
    keys.Index(key);
    if (keys.keys().size() > before) {
      expire_at.push_back(at == absl::InfinitePast() ? "0" : absl::StrCat(absl::ToUnixSeconds(at)));
    }
  };
  for (const IngestEvent& event : events) {
    for (const PeriodRef& period : event.periods) {
      add_expiring(PeriodKeyName(event.kpi_id, period), ExpireAt(period));
    }
    const absl::Time hour = EventHour(event);
    add_expiring(SeenKeyName(event.kpi_id, hour), hour + absl::Hours(1) + options_.dedup_ttl);
  }
  std::map<std::string, int> plan_numbers;
  std::vector<std::string> plan_args;
  std::vector<std::string> event_args;
  for (const IngestEvent& event : events) {
    auto [plan, inserted] =
        plan_numbers.emplace(PlanSignature(event), static_cast<int>(plan_numbers.size()) + 1);
    if (inserted) {
      plan_args.push_back(absl::StrCat(event.periods.size()));
      for (const PeriodRef& period : event.periods) {
        plan_args.push_back(absl::StrCat(keys.Index(PeriodKeyName(event.kpi_id, period))));
      }
      plan_args.push_back(absl::StrCat(event.dimensions.size()));
      for (const auto& [key, value] : event.dimensions) {
        plan_args.push_back(
            absl::StrCat(keys.Index(absl::StrCat(KpiPrefix(event.kpi_id), "dv:", key))));
        plan_args.push_back(value);
        plan_args.push_back(absl::StrCat("|", DimensionLabel(key, value)));
      }
    }
    event_args.push_back(absl::StrCat(keys.Index(SeenKeyName(event.kpi_id, EventHour(event)))));
    event_args.push_back(event.event_id);
    event_args.push_back(absl::StrCat(plan->second));
    event_args.push_back(absl::StrFormat("%.17g", event.value));
    event_args.push_back(event.histogram_bucket >= 0 ? absl::StrCat(event.histogram_bucket) : "");
  }
  std::vector<std::string> args = {absl::StrCat(options_.max_dimension_values),
                                   absl::StrCat(expire_at.size())};
  args.insert(args.end(), expire_at.begin(), expire_at.end());
  args.push_back(absl::StrCat(plan_numbers.size()));
  args.insert(args.end(), plan_args.begin(), plan_args.end());
  args.push_back(absl::StrCat(events.size()));
  args.insert(args.end(), event_args.begin(), event_args.end());

  absl::StatusOr<redis::Reply> reply = redis_.Eval(IngestScript(), keys.keys(), args);
  if (!reply.ok()) return reply.status();
  if (reply->type != redis::Reply::Type::kArray || reply->elements.size() != 3) {
    return absl::InternalError("unexpected reply from the ingest script");
  }
  return IngestCounts{static_cast<int>(reply->elements[0].integer),
                      static_cast<int>(reply->elements[1].integer),
                      static_cast<int>(reply->elements[2].integer)};
}

PeriodData ParsePeriodHash(const std::vector<std::pair<std::string, std::string>>& fields) {
  PeriodData data;
  for (const auto& [field, value] : fields) {
    if (field.empty()) continue;
    const size_t bar = field.find('|');
    const std::string head = field.substr(0, bar);
    Cell& cell = bar == std::string::npos ? data.total : data.by_dimension[field.substr(bar + 1)];
    if (head == "n") {
      int64_t samples = 0;
      if (absl::SimpleAtoi(value, &samples)) cell.samples = samples;
    } else if (head == "s") {
      double sum = 0;
      if (absl::SimpleAtod(value, &sum)) cell.sum = sum;
    } else if (head[0] == 'h') {
      int bucket = 0;
      int64_t count = 0;
      if (absl::SimpleAtoi(head.substr(1), &bucket) && absl::SimpleAtoi(value, &count)) {
        cell.histogram[bucket] = count;
      }
    }
  }
  return data;
}

absl::StatusOr<std::vector<PeriodData>> RedisMonitoringRepository::Read(
    const std::vector<PeriodKey>& keys) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(keys.size());
  for (const PeriodKey& key : keys) {
    commands.push_back({"HGETALL", PeriodKeyName(key.kpi_id, key.period)});
  }
  std::vector<PeriodData> result;
  if (commands.empty()) return result;
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (const redis::Reply& reply : *replies) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      fields.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
    }
    result.push_back(ParsePeriodHash(fields));
  }
  return result;
}

}  // namespace stadt::monitoring
