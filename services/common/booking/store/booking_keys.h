#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace stadt::booking {

// Where a booking service keeps its keys (docs/redis-cluster.md, "The tags").
// A resource's day (booked, holds, day index, the counter's queue), its holds,
// its bookings, its reminders and its outbox share one bucket: one hash tag,
// so every atomic step of one office or caseworker runs on one slot, and the
// buckets spread the service over the cluster. A booking code or hold id
// finds its record by its own bucket: new ids are drawn to fit their
// resource's bucket (BookingRepository::IdFitsResource); one that does not,
// or a booking moved to a resource of another bucket, leaves a forwarding
// stub there. The persons' fair-access keys and a citizen's own index have
// slots of their own:
//   <service>:{<service>:b<NN>-<n>}:   bucket NN (of kBuckets); n is chosen
//                                      so that the tag's slot lies in the
//                                      bucket's share of the 16384 slots
//                                      (spreads evenly over any cluster whose
//                                      slot ranges are even)
//   <service>:{p:<person key>}:        one person key's limits
//   <service>:{s:<subject>}:           a citizen's index and open hold
// With one bucket (`BookingKeys::Single`), every resource shares the one
// prefix "<service>:{<service>}:", the layout before the buckets.
class BookingKeys {
 public:
  static constexpr int kBuckets = 64;

  // kBuckets buckets.
  static BookingKeys Spread(std::string service);
  // One bucket with the prefix `prefix` ("<service>:{<tag>}:"), for tests
  // and for an installation still draining the old layout.
  static BookingKeys Single(std::string prefix);

  // The bucket of a resource id, booking code or hold id.
  int BucketOf(absl::string_view id) const;
  int buckets() const { return static_cast<int>(prefixes_.size()); }
  const std::string& Bucket(int bucket) const { return prefixes_[bucket]; }
  const std::string& For(absl::string_view id) const { return prefixes_[BucketOf(id)]; }
  const std::vector<std::string>& Buckets() const { return prefixes_; }
  std::string Person(absl::string_view person_key) const;
  std::string Subject(absl::string_view subject) const;
  // Every bucket's outbox stream, in bucket order.
  std::vector<std::string> Outboxes() const;
  const std::string& service() const { return service_; }

 private:
  BookingKeys(std::string service, std::vector<std::string> prefixes)
      : service_(std::move(service)), prefixes_(std::move(prefixes)) {}

  std::string service_;
  std::vector<std::string> prefixes_;
};

}  // namespace stadt::booking
