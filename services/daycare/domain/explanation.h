#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/wording.h"

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

// The texts are in `language`: German (formal "Sie", dates as 01.09.2026) unless
// English is asked for. Ranks, program ids and the numbers in the texts (points,
// lottery numbers, ages) are the same in both.
Explanation Explain(const Allocator& allocator, const RoundResult& result, uint32_t application,
                    const Participation& participation = {}, Language language = Language::kGerman);

}  // namespace stadt::daycare
