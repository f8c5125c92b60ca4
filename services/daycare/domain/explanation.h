#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/daycare/domain/allocation.h"

namespace stadt::daycare {

struct ChoiceExplanation {
  int32_t choice_rank = 0;  // 1-based
  std::string program;
  std::string text;
};

// What a parent sees: the result, and for every choice ranked above it (every choice
// when no place was offered) why the child did not get that place.
struct Explanation {
  std::string summary;
  std::vector<ChoiceExplanation> choices;
};

Explanation Explain(const Allocator& allocator, const RoundResult& result, uint32_t application,
                    const Participation& participation = {});

}  // namespace stadt::daycare
