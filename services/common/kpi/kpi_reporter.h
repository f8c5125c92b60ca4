#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/kpi/kpi_recorder.h"
#include "services/common/kpi/kpi_sink.h"

namespace stadt {

struct KpiReporterOptions {
  // The reporting service ("appointments"); the `service` dimension of
  // reporter_events_dropped.
  std::string service;
  // Events waiting to be sent; a Record beyond this is dropped and counted.
  int buffer_size = 10000;
  // At most this many events per ReportEvents call; a full batch is sent
  // without waiting for the interval.
  int batch_size = 500;
  absl::Duration flush_interval = absl::Seconds(5);
  // Timeout of one delivery attempt.
  absl::Duration send_timeout = absl::Seconds(2);
  // Backoff between attempts of a failed batch: initial, doubled per attempt,
  // capped.
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
  // A failed batch is dropped (and counted) after this many attempts or when
  // its first attempt is this old, whichever comes first.
  int max_attempts = 8;
  absl::Duration max_age = absl::Minutes(10);
  // Shutdown: how long the last delivery attempt may take in total.
  absl::Duration shutdown_timeout = absl::Seconds(5);
  // Rejects (drops whole) events with a dimension key outside the allowed
  // set, and logs an error; otherwise only the offending dimension is
  // dropped and counted. Strict by default in debug builds and tests.
#ifdef NDEBUG
  bool strict_dimensions = false;
#else
  bool strict_dimensions = true;
#endif
};

// A KpiRecorder that buffers events in memory and sends them in batches from a
// background thread. Record takes a short lock and never waits for I/O; when
// the buffer is full the event is dropped and counted, and the count is
// itself reported as reporter_events_dropped once sending works again.
// Retries keep the event ids, so the monitoring service counts a batch once
// even when an earlier attempt reached it but its answer was lost.
class KpiReporter final : public KpiRecorder {
 public:
  struct Stats {
    int64_t recorded = 0;
    int64_t sent = 0;
    int64_t dropped_buffer_full = 0;
    int64_t dropped_undeliverable = 0;  // retries exhausted, refused, or lost at shutdown
    int64_t rejected_dimensions = 0;    // strict mode: whole events refused
    int64_t dropped_dimensions = 0;     // lenient mode: single dimensions removed
    int64_t pending = 0;                // buffered plus awaiting retry
  };

  // `sink` and `clock` must outlive the reporter. Nothing runs in the
  // background until Start().
  KpiReporter(KpiReporterOptions options, KpiSink& sink, const Clock& clock);
  // Shutdown() if it has not run.
  ~KpiReporter() override;

  KpiReporter(const KpiReporter&) = delete;
  KpiReporter& operator=(const KpiReporter&) = delete;

  void Record(KpiSample sample) override;

  // Starts the background sender.
  void Start();
  // One send cycle: the batch awaiting retry if its backoff has passed (on
  // the injected clock), then, if nothing awaits retry, every buffered event
  // in batches. With the background thread running it asks that thread and
  // waits for it; without, it runs in the caller's thread. Tests drive the
  // reporter with this instead of waiting for the interval.
  void Flush();
  // Stops the background thread, then tries once to deliver everything
  // still held (ignoring backoff) within options.shutdown_timeout on the real
  // clock; what cannot be delivered is dropped, counted and logged.
  // Idempotent; Record afterwards drops.
  void Shutdown();

  Stats stats() const;

 private:
  struct PendingBatch {
    std::vector<KpiEvent> events;
    int attempts = 0;
    absl::Time first_attempt;
    absl::Time next_attempt;
  };
  enum class Outcome { kDelivered, kRetryLater, kDropped };

  KpiEvent MakeEvent(KpiSample sample);
  std::string EventId(std::string_view kpi_id, std::string_view occurrence_key);
  // Removes disallowed dimensions; false if the event must be refused.
  bool SanitizeDimensions(KpiDimensions& dimensions);

  void RunSender(std::stop_token stop);
  void SendCycle();
  // Sends `batch` once and settles it: counts it sent, schedules a retry
  // or drops it.
  Outcome Attempt(PendingBatch& batch);
  std::vector<KpiEvent> TakeBatch();
  void SetRetry(std::optional<PendingBatch> batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(send_mutex_);
  void CountSent(size_t events);
  void CountUndeliverable(const std::vector<KpiEvent>& events, std::string_view reason);
  absl::Duration BackoffAfter(int attempts) const;
  void DeliverRemainderAtShutdown();

  const KpiReporterOptions options_;
  KpiSink& sink_;
  const Clock& clock_;
  const std::string id_prefix_;

  // The sender thread and Flush() wait on it with conditions over the fields
  // below: a change made under it wakes them.
  mutable absl::Mutex mutex_;
  std::deque<KpiEvent> buffer_ ABSL_GUARDED_BY(mutex_);
  // Flush() handshake with the sender thread.
  uint64_t flush_requests_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t flushes_done_ ABSL_GUARDED_BY(mutex_) = 0;
  bool sender_stopped_ ABSL_GUARDED_BY(mutex_) = false;
  // Mirrors retry_ for the sender's wait and for stats().
  std::optional<absl::Time> retry_due_ ABSL_GUARDED_BY(mutex_);
  int64_t retry_events_ ABSL_GUARDED_BY(mutex_) = 0;
  // Drops not yet turned into a reporter_events_dropped event.
  int64_t unreported_drops_ ABSL_GUARDED_BY(mutex_) = 0;
  Stats stats_ ABSL_GUARDED_BY(mutex_);
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;

  // Only the sending thread (or Flush without one) touches these. Taken
  // before mutex_ where both are held.
  absl::Mutex send_mutex_ ABSL_ACQUIRED_BEFORE(mutex_);
  std::optional<PendingBatch> retry_ ABSL_GUARDED_BY(send_mutex_);

  std::atomic<uint64_t> sequence_{0};
  std::jthread sender_;
};

}  // namespace stadt
