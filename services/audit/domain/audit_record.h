#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::audit {

// The hash the first record of a chain points to.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// An id an audited call acted on: a path variable or the id of what it created.
struct ObjectRef {
  std::string name{};  // e.g. "office_id"
  std::string id{};    // e.g. "mitte"
  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

// What the gateway reports about one audited call: ids and the outcome only.
struct Entry {
  std::string event_id{};  // made by the gateway per call; makes appends idempotent
  std::string subject{};
  std::vector<std::string> roles{};
  std::string rpc{};  // "stadt.appointments.v1.Appointments/PutOffice"
  std::vector<ObjectRef> objects{};
  std::string request_id{};
  int grpc_code = 0;
  int http_status = 0;
  std::string reason{};
  friend bool operator==(const Entry&, const Entry&) = default;
};

// One link of the chain.
struct Record {
  uint64_t sequence = 0;  // 1, 2, 3, ...
  absl::Time time{};      // stored to the microsecond
  Entry entry{};
  std::string previous_hash{};  // hex SHA-256 of the previous record
  std::string hash{};           // hex SHA-256 of CanonicalBytes(*this)
  friend bool operator==(const Record&, const Record&) = default;
};

// INVALID_ARGUMENT naming the first field that is missing or malformed. Ids
// are short printable strings; nothing else of a request is ever taken.
absl::Status ValidateEntry(const Entry& entry);

// Every field of `record` except `hash`, in one unambiguous byte string
// (length-prefixed fields, a fixed order): what the hash covers.
std::string CanonicalBytes(const Record& record);

// Hex SHA-256 of CanonicalBytes(record).
std::string HashOf(const Record& record);

// Fills previous_hash and hash: the record becomes the link after `previous_hash`.
void Seal(Record& record, std::string_view previous_hash);

// The form kept in the store: the canonical bytes and the hash.
std::string Encode(const Record& record);
// INVALID_ARGUMENT (DATA_LOSS would tell more, but the caller reports it) for
// bytes Encode did not make.
absl::StatusOr<Record> Decode(std::string_view stored);

}  // namespace stadt::audit
