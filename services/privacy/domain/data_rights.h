#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/privacy/personal_data.h"

namespace stadt::privacy {

// One service's part of a citizen's data, as the privacy service reaches it
// (over gRPC in production, a fake in tests). `deadline`: the caller's (the
// gateway's) deadline; the call must not outlast it.
class PersonalDataSource {
 public:
  virtual ~PersonalDataSource() = default;
  virtual const std::string& name() const = 0;
  // Whether the service holds records of its own to export (the mail queue
  // holds the services' events only, and takes part in the erasure alone).
  virtual bool exports() const { return true; }
  virtual absl::StatusOr<std::vector<Record>> Export(const std::string& subject,
                                                     absl::Time deadline) = 0;
  // `references`: the ids the other services exported for the subject.
  virtual absl::StatusOr<Erasure> Erase(const std::string& subject,
                                        const std::vector<std::string>& references,
                                        absl::Time deadline) = 0;
};

struct ServiceData {
  std::string service;
  std::vector<Record> records;
};

struct ServiceErasure {
  std::string service;
  Erasure erasure;
};

// The citizen's rights of access and erasure (GDPR Art. 15, 17) across every
// service: one export, one erasure.
class DataRights {
 public:
  // Borrowed sources, in the order they are asked; they outlive this.
  explicit DataRights(std::vector<PersonalDataSource*> sources) : sources_(std::move(sources)) {}

  // Every service's part; fails as the first service that cannot answer
  // (UNAVAILABLE: try again), UNAUTHENTICATED without a subject. Every call
  // gets `deadline`, the deadline of the request this answers: what the
  // gateway gave up on is not worked on further.
  absl::StatusOr<std::vector<ServiceData>> Export(const std::string& subject,
                                                  absl::Time deadline = absl::InfiniteFuture());
  // Exports first (for the ids the mail queues are searched by), then asks
  // every service to erase; stops at the first that refuses or cannot answer
  // (a running parking session: FAILED_PRECONDITION [session_running]). Each
  // service's erasure is idempotent, so a retry completes what a failure
  // left: nothing is erased twice, what is kept is reported again.
  absl::StatusOr<std::vector<ServiceErasure>> Erase(const std::string& subject,
                                                    absl::Time deadline = absl::InfiniteFuture());

 private:
  std::vector<PersonalDataSource*> sources_;
};

}  // namespace stadt::privacy
