#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace stadt::privacy {

// Why a record about a person is kept and for how long (docs/retention.md).
enum class RetentionClass {
  kTransient,      // holds, idempotency keys, queued mails: days, by TTL
  kServiceRecord,  // bookings, applications, permits: the service's period
  kTaxRecord,      // receipts: the tax period, kept through an erasure
};

// One stored record about a person, as an export shows it (GDPR Art. 15).
struct Record {
  std::string kind;  // "booking", "consultation", "daycare_application", ...
  std::string id;
  RetentionClass retention = RetentionClass::kServiceRecord;
  absl::Time delete_after = absl::InfiniteFuture();         // when the store deletes it
  std::vector<std::pair<std::string, std::string>> fields;  // sealed ones opened
};

// A record an erasure keeps because a legal duty does, with the reason.
struct KeptRecord {
  std::string kind;
  std::string id;
  RetentionClass retention = RetentionClass::kTaxRecord;
  absl::Time delete_after = absl::InfiniteFuture();
  std::string reason_de;
  std::string reason_en;
};

// What one service erased and kept (GDPR Art. 17).
struct Erasure {
  int erased = 0;
  std::vector<KeptRecord> kept;
};

// RFC 3339 in UTC, the form every exported time takes.
std::string ExportTime(absl::Time time);

}  // namespace stadt::privacy
