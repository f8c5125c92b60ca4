#include "gateway/http/connection_table.h"

#include <utility>
#include <vector>

namespace stadt::gateway {

ConnectionTable::Admission ConnectionTable::Admit(const std::string& address,
                                                  std::function<void()> closer, absl::Time now) {
  Admission admission;
  std::function<void()> shed_closer;
  {
    absl::MutexLock lock(&mu_);
    auto count = per_address_.find(address);
    if (options_.max_per_address > 0 && count != per_address_.end() &&
        count->second >= options_.max_per_address) {
      admission.verdict = Verdict::kAddressFull;
      return admission;
    }
    if (static_cast<int>(entries_.size()) >= options_.max_connections) {
      auto oldest = entries_.end();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->second.idle_since == absl::InfiniteFuture()) continue;
        if (oldest == entries_.end() || it->second.idle_since < oldest->second.idle_since) {
          oldest = it;
        }
      }
      if (oldest == entries_.end()) {
        admission.verdict = Verdict::kFull;
        return admission;
      }
      admission.shed = oldest->first;
      shed_closer = std::move(oldest->second.closer);
      EraseLocked(oldest);
    }
    admission.verdict = Verdict::kAdmitted;
    admission.id = next_id_++;
    entries_.emplace(admission.id, Entry{address, std::move(closer), now});
    ++per_address_[address];
  }
  // Outside the lock: a closer may end in Remove() on this thread.
  if (shed_closer) shed_closer();
  return admission;
}

void ConnectionTable::MarkIdle(uint64_t id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) it->second.idle_since = now;
}

void ConnectionTable::MarkBusy(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) it->second.idle_since = absl::InfiniteFuture();
}

void ConnectionTable::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) EraseLocked(it);
}

void ConnectionTable::EraseLocked(std::map<uint64_t, Entry>::iterator it) {
  auto count = per_address_.find(it->second.address);
  if (count != per_address_.end() && --count->second == 0) per_address_.erase(count);
  entries_.erase(it);
}

void ConnectionTable::CloseAll() {
  std::vector<std::function<void()>> closers;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, entry] : entries_) closers.push_back(entry.closer);
  }
  for (const std::function<void()>& close : closers) close();
}

int ConnectionTable::size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(entries_.size());
}

int ConnectionTable::CountFrom(std::string_view address) const {
  absl::MutexLock lock(&mu_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

}  // namespace stadt::gateway
