#pragma once

#include <optional>
#include <string>

#include "services/daycare/domain/model.h"
#include "services/daycare/domain/wording.h"

namespace stadt::daycare {

enum class IneligibleReason {
  kTooYoung,
  kTooOld,
  kCareScope,
  kStartTooEarly,
  kStartTooLate,
};

struct Ineligibility {
  IneligibleReason reason;
  std::string text;  // for parents, e.g. "Ihr Kind ist im August 2026 14 Monate alt; ..."
};

// Stable machine name of a reason ("too_young", ...).
const char* ReasonCode(IneligibleReason reason);

// The reason alone, without building the text: cheap enough for every choice of a run.
std::optional<IneligibleReason> FindIneligibleReason(const Policy& policy, const Program& program,
                                                     const Application& application);

// Why `application` cannot take a place in `program`, or nullopt when it can. Facts
// that are unknown (no birth date, no start month) are not held against the child.
// The text is in `language` (German unless English is asked for).
std::optional<Ineligibility> CheckEligibility(const Policy& policy, const Program& program,
                                              const Application& application,
                                              Language language = Language::kGerman);

}  // namespace stadt::daycare
