#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/synchronization/mutex.h"
#include "services/common/booking/domain/forwarding_booking_repository.h"

namespace stadt::booking {

// Keeps what GetUsage read for each resource-day for `ttl` (measured with the
// `now` the callers pass), so that a rush of searches (each reading hundreds
// of resource-days) does not read them all from the store again for every
// request. Only what is shown to citizens reads usage: every hold, booking and
// move is still checked against the capacity atomically by the store, so a
// stale entry can at worst show a slot that a hold then finds taken, or hide
// one for up to `ttl`.
// Writes made through this object drop the entries of the days they touch
// (for a hold also the day of the client's previous hold made here, which the
// store releases), so this replica shows them at once; writes made through
// other replicas show within `ttl`. A write that fails in a way that leaves
// unclear which day it touched drops everything. A zero `ttl` turns caching
// off. Thread-safe.
class CachedUsageRepository final : public ForwardingBookingRepository {
 public:
  CachedUsageRepository(BookingRepository& inner, absl::Duration ttl, size_t max_entries = 100'000)
      : ForwardingBookingRepository(inner), ttl_(ttl), max_entries_(max_entries) {}

  absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>& days,
                                                 absl::Time now) override;
  absl::Status PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                       absl::Time now) override;
  absl::StatusOr<std::string> ConfirmHold(const std::string& hold_id, const BookingRecord& booking,
                                          const PersonLimits& limits, absl::Time now,
                                          absl::Time delete_after) override;
  absl::StatusOr<BookingRecord> CancelBooking(const std::string& code, absl::Time now) override;
  absl::StatusOr<BookingRecord> MoveBooking(const std::string& code, const BookingRecord& moved,
                                            const SlotCapacity& capacity, absl::Time now,
                                            absl::Time delete_after) override;
  absl::StatusOr<BookingRecord> CancelBookingBecause(const std::string& code, absl::Time now,
                                                     const ChangeCause& cause) override;
  absl::StatusOr<BookingRecord> MoveBookingBecause(const std::string& code,
                                                   const BookingRecord& moved,
                                                   const SlotCapacity& capacity, absl::Time now,
                                                   absl::Time delete_after,
                                                   const ChangeCause& cause) override;

 private:
  using Key = std::pair<std::string, std::string>;  // resource id, day
  // Looks a key up without copying its strings (a search looks up hundreds).
  using KeyView = std::pair<std::string_view, std::string_view>;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const KeyView& key) const { return absl::Hash<KeyView>()(key); }
    size_t operator()(const Key& key) const { return (*this)(KeyView(key.first, key.second)); }
  };
  struct KeyEq {
    using is_transparent = void;
    static KeyView View(const Key& key) { return {key.first, key.second}; }
    static KeyView View(const KeyView& key) { return key; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) == View(b);
    }
  };
  struct Entry {
    // Shared so that a hit copies it outside the lock.
    std::shared_ptr<const DayUsage> usage;
    absl::Time expires;
    // Which write last dropped this day (0: none). A read that began before
    // it may have seen the day as it was before the write and is not kept.
    uint64_t written = 0;
  };
  void Forget(const std::string& resource_id, const std::string& day);
  void ForgetAll();
  // Drops the day of the client's previous hold made here and remembers the new one.
  void ForgetPreviousHold(const HoldRecord& hold);
  void Store(const std::vector<ResourceDay>& days, std::vector<DayUsage> usage, absl::Time expires,
             uint64_t read_after);

  const absl::Duration ttl_;
  const size_t max_entries_;
  absl::Mutex mutex_;
  absl::flat_hash_map<Key, Entry, KeyHash, KeyEq> entries_ ABSL_GUARDED_BY(mutex_);
  uint64_t writes_ ABSL_GUARDED_BY(mutex_) = 0;      // counts Forget calls
  uint64_t cleared_at_ ABSL_GUARDED_BY(mutex_) = 0;  // writes_ when entries_ was last emptied
  // client -> day of their last hold here
  absl::flat_hash_map<std::string, Key> hold_days_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace stadt::booking
