#include "services/common/booking/store/booking_keys.h"

#include "absl/strings/str_cat.h"
#include "services/common/redis/key_slot.h"

namespace stadt::booking {
namespace {

int BucketOfSlot(int slot, int buckets) {
  return static_cast<int>(static_cast<int64_t>(slot) * buckets / redis::kSlotCount);
}

// The first tag "<service>:b<NN>-<n>" whose slot lies in bucket NN's share.
std::string BalancedTag(const std::string& service, int bucket, int buckets) {
  const std::string base = absl::StrCat(service, ":b", bucket < 10 ? "0" : "", bucket, "-");
  for (int n = 0;; ++n) {
    std::string tag = absl::StrCat(base, n);
    if (BucketOfSlot(redis::KeySlot(absl::StrCat("{", tag, "}")), buckets) == bucket) return tag;
  }
}

}  // namespace

BookingKeys BookingKeys::Spread(std::string service) {
  std::vector<std::string> prefixes;
  prefixes.reserve(kBuckets);
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    prefixes.push_back(absl::StrCat(service, ":{", BalancedTag(service, bucket, kBuckets), "}:"));
  }
  return BookingKeys(std::move(service), std::move(prefixes));
}

BookingKeys BookingKeys::Single(std::string prefix) {
  std::string service = prefix.substr(0, prefix.find(':'));
  return BookingKeys(std::move(service), {std::move(prefix)});
}

int BookingKeys::BucketOf(absl::string_view id) const {
  if (prefixes_.size() == 1) return 0;
  // The id's own slot (no tag of its own: codes and ids hold no braces).
  return BucketOfSlot(redis::KeySlot(absl::StrCat("{", id, "}")), buckets());
}

std::string BookingKeys::Person(absl::string_view person_key) const {
  return absl::StrCat(service_, ":{p:", person_key, "}:");
}

std::string BookingKeys::Subject(absl::string_view subject) const {
  return absl::StrCat(service_, ":{s:", subject, "}:");
}

std::vector<std::string> BookingKeys::Outboxes() const {
  std::vector<std::string> outboxes;
  outboxes.reserve(prefixes_.size());
  for (const std::string& prefix : prefixes_) outboxes.push_back(absl::StrCat(prefix, "outbox"));
  return outboxes;
}

}  // namespace stadt::booking
