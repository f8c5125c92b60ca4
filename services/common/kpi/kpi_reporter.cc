#include "services/common/kpi/kpi_reporter.h"

#include <algorithm>
#include <stop_token>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/log.h"
#include "services/common/strings.h"

namespace stadt {
namespace {

// 128 random bits per reporter instance; a per-event sequence number makes
// each id unique without asking the CSPRNG on the caller's path.
std::string RandomIdPrefix() { return absl::BytesToHexString(crypto::RandomBytes(16)); }

std::string CodeName(const absl::Status& status) {
  return std::string(absl::StatusCodeToString(status.code()));
}

}  // namespace

KpiReporter::KpiReporter(KpiReporterOptions options, KpiSink& sink, const Clock& clock)
    : options_(std::move(options)), sink_(sink), clock_(clock), id_prefix_(RandomIdPrefix()) {}

KpiReporter::~KpiReporter() { Shutdown(); }

void KpiReporter::Start() {
  absl::MutexLock lock(&mutex_);
  if (shut_down_ || sender_.joinable()) return;
  sender_ = std::jthread([this](std::stop_token stop) { RunSender(std::move(stop)); });
}

void KpiReporter::Record(KpiSample sample) {
  if (!SanitizeDimensions(sample.dimensions)) return;
  KpiEvent event = MakeEvent(std::move(sample));
  bool first_drop = false;
  {
    absl::MutexLock lock(&mutex_);
    ++stats_.recorded;
    if (shut_down_) {
      // Nothing will send it any more.
      ++stats_.dropped_undeliverable;
      return;
    }
    if (buffer_.size() >= static_cast<size_t>(options_.buffer_size)) {
      ++stats_.dropped_buffer_full;
      first_drop = unreported_drops_ == 0;
      ++unreported_drops_;
    } else {
      // A full batch wakes the sender: its wait condition is checked again
      // when the lock is released.
      buffer_.push_back(std::move(event));
    }
  }
  // One line per run of drops, not one per event: a full buffer under load
  // must not turn into a flood of log lines.
  if (first_drop) log::Warn("kpi_buffer_full", {{"buffer_size", options_.buffer_size}});
}

bool KpiReporter::SanitizeDimensions(KpiDimensions& dimensions) {
  int removed = 0;
  for (auto it = dimensions.begin(); it != dimensions.end();) {
    if (kpi::IsAllowedDimensionKey(it->first)) {
      ++it;
      continue;
    }
    ++removed;
    it = dimensions.erase(it);
  }
  if (removed == 0) return true;
  absl::MutexLock lock(&mutex_);
  if (options_.strict_dimensions) {
    ++stats_.rejected_dimensions;
    log::Error("kpi_dimension_refused", {{"dimensions", removed}});
    return false;
  }
  stats_.dropped_dimensions += removed;
  return true;
}

KpiEvent KpiReporter::MakeEvent(KpiSample sample) {
  KpiEvent event;
  event.event_id = EventId(sample.kpi_id, sample.occurrence_key);
  event.kpi_id = std::move(sample.kpi_id);
  event.time = clock_.Now();
  event.value = sample.value;
  event.dimensions = std::move(sample.dimensions);
  return event;
}

std::string KpiReporter::EventId(std::string_view kpi_id, std::string_view occurrence_key) {
  if (occurrence_key.empty()) {
    return absl::StrCat(id_prefix_, "-", absl::Hex(sequence_.fetch_add(1), absl::kZeroPad16));
  }
  // Same occurrence, same id, in every replica and after every replay; the
  // key itself stays here.
  const std::string digest = crypto::Sha256(
      absl::StrCat(ToAbsl(options_.service), "\n", ToAbsl(kpi_id), "\n", ToAbsl(occurrence_key)));
  return absl::BytesToHexString(absl::string_view(digest.data(), 16));
}

void KpiReporter::RunSender(std::stop_token stop) {
  const auto woken = [this, &stop]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
    return stop.stop_requested() || flush_requests_ > flushes_done_ ||
           (!retry_due_ && buffer_.size() >= static_cast<size_t>(options_.batch_size));
  };
  // A stop request ends the wait at once: releasing the mutex makes the
  // waiting sender check its condition again.
  std::stop_callback wake_on_stop(stop, [this] { absl::MutexLock lock(&mutex_); });
  while (!stop.stop_requested()) {
    uint64_t serving = 0;
    {
      absl::MutexLock lock(&mutex_);
      absl::Duration timeout = options_.flush_interval;
      if (retry_due_) {
        timeout =
            std::clamp(*retry_due_ - clock_.Now(), absl::Milliseconds(1), options_.flush_interval);
      }
      mutex_.AwaitWithTimeout(absl::Condition(&woken), timeout);
      if (stop.stop_requested()) break;
      serving = flush_requests_;
    }
    SendCycle();
    // Releasing the lock wakes the Flush() calls this cycle served.
    absl::MutexLock lock(&mutex_);
    flushes_done_ = serving;
  }
  absl::MutexLock lock(&mutex_);
  sender_stopped_ = true;
}

void KpiReporter::Flush() {
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_) return;
    if (sender_.joinable()) {
      // Waiting releases the lock, which wakes the sender for this request.
      const uint64_t request = ++flush_requests_;
      const auto served = [this, request]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
        return flushes_done_ >= request || sender_stopped_;
      };
      mutex_.Await(absl::Condition(&served));
      return;
    }
  }
  SendCycle();
}

void KpiReporter::SendCycle() {
  absl::MutexLock send_lock(&send_mutex_);
  if (retry_) {
    if (clock_.Now() < retry_->next_attempt) return;
    if (Attempt(*retry_) == Outcome::kRetryLater) {
      SetRetry(std::move(retry_));
      return;
    }
    SetRetry(std::nullopt);
  }
  // Order matters: while a batch waits for its retry nothing newer is sent,
  // so at most one batch is held outside the bounded buffer.
  while (true) {
    PendingBatch batch;
    batch.events = TakeBatch();
    if (batch.events.empty()) return;
    batch.first_attempt = clock_.Now();
    if (Attempt(batch) == Outcome::kRetryLater) {
      SetRetry(std::move(batch));
      return;
    }
  }
}

KpiReporter::Outcome KpiReporter::Attempt(PendingBatch& batch) {
  const absl::Status status = sink_.Send(batch.events, options_.send_timeout);
  ++batch.attempts;
  if (status.ok()) {
    CountSent(batch.events.size());
    return Outcome::kDelivered;
  }
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    CountUndeliverable(batch.events, "refused");
    return Outcome::kDropped;
  }
  const absl::Time now = clock_.Now();
  if (batch.attempts >= options_.max_attempts || now - batch.first_attempt >= options_.max_age) {
    CountUndeliverable(batch.events, "retries_exhausted");
    return Outcome::kDropped;
  }
  batch.next_attempt = now + BackoffAfter(batch.attempts);
  log::Warn("kpi_send_failed", {{"code", CodeName(status)},
                                {"attempt", batch.attempts},
                                {"events", static_cast<int64_t>(batch.events.size())}});
  return Outcome::kRetryLater;
}

std::vector<KpiEvent> KpiReporter::TakeBatch() {
  absl::MutexLock lock(&mutex_);
  const size_t count = std::min(buffer_.size(), static_cast<size_t>(options_.batch_size));
  std::vector<KpiEvent> batch(std::make_move_iterator(buffer_.begin()),
                              std::make_move_iterator(buffer_.begin() + count));
  buffer_.erase(buffer_.begin(), buffer_.begin() + count);
  return batch;
}

void KpiReporter::SetRetry(std::optional<PendingBatch> batch) {
  retry_ = std::move(batch);
  absl::MutexLock lock(&mutex_);
  retry_due_.reset();
  retry_events_ = 0;
  if (retry_) {
    retry_due_ = retry_->next_attempt;
    retry_events_ = static_cast<int64_t>(retry_->events.size());
  }
}

void KpiReporter::CountSent(size_t events) {
  absl::MutexLock lock(&mutex_);
  stats_.sent += static_cast<int64_t>(events);
  if (unreported_drops_ == 0) return;
  // Sending works again: the loss becomes an event of its own. It joins the
  // buffer even when that is full, so a count is never lost for lack of room.
  KpiEvent report;
  report.event_id =
      absl::StrCat(id_prefix_, "-", absl::Hex(sequence_.fetch_add(1), absl::kZeroPad16));
  report.kpi_id = std::string(kpi::kReporterEventsDropped);
  report.time = clock_.Now();
  report.value = static_cast<double>(unreported_drops_);
  report.dimensions = {{std::string(kpi::kService), options_.service}};
  buffer_.push_back(std::move(report));
  unreported_drops_ = 0;
}

void KpiReporter::CountUndeliverable(const std::vector<KpiEvent>& events, std::string_view reason) {
  int64_t dropped = 0;
  int64_t carried = 0;
  {
    absl::MutexLock lock(&mutex_);
    for (const KpiEvent& event : events) {
      if (event.kpi_id == kpi::kReporterEventsDropped) {
        // A lost drop report is not one more lost event: its count carries
        // over to the next report.
        carried += static_cast<int64_t>(event.value);
      } else {
        ++dropped;
      }
    }
    stats_.dropped_undeliverable += dropped;
    unreported_drops_ += dropped + carried;
  }
  log::Warn("kpi_events_dropped", {{"reason", reason}, {"events", dropped}});
}

absl::Duration KpiReporter::BackoffAfter(int attempts) const {
  absl::Duration backoff = options_.initial_backoff;
  for (int i = 1; i < attempts && backoff < options_.max_backoff; ++i) backoff *= 2;
  return std::min(backoff, options_.max_backoff);
}

void KpiReporter::Shutdown() {
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  if (sender_.joinable()) {
    sender_.request_stop();
    sender_.join();
  }
  DeliverRemainderAtShutdown();
}

void KpiReporter::DeliverRemainderAtShutdown() {
  absl::MutexLock send_lock(&send_mutex_);
  const absl::Time deadline = absl::Now() + options_.shutdown_timeout;
  std::vector<std::vector<KpiEvent>> batches;
  if (retry_) batches.push_back(std::move(retry_->events));
  SetRetry(std::nullopt);
  bool failed = false;
  for (size_t i = 0;; ++i) {
    if (i == batches.size()) {
      std::vector<KpiEvent> next = TakeBatch();
      if (next.empty()) break;
      batches.push_back(std::move(next));
    }
    const absl::Duration left = deadline - absl::Now();
    if (!failed && left > absl::ZeroDuration()) {
      const absl::Status status = sink_.Send(batches[i], std::min(left, options_.send_timeout));
      if (status.ok()) {
        CountSent(batches[i].size());
        continue;
      }
      failed = true;
      log::Warn("kpi_shutdown_send_failed", {{"code", CodeName(status)}});
    }
    CountUndeliverable(batches[i], "shutdown");
  }
}

KpiReporter::Stats KpiReporter::stats() const {
  absl::MutexLock lock(&mutex_);
  Stats stats = stats_;
  stats.pending = static_cast<int64_t>(buffer_.size()) + retry_events_;
  return stats;
}

}  // namespace stadt
