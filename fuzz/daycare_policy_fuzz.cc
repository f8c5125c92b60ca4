// Fuzzes the daycare points catalogue (policy file) parser, and allocates a
// small fixed instance under every policy it accepts, since the policy's
// numbers drive the points and eligibility arithmetic.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/instance_json.h"

namespace {

// Two centres, three children, criteria names the seed policies use.
constexpr std::string_view kInstance = R"({
  "seed": 7,
  "programs": [
    {"id": "K12-u3", "centre": "K12", "capacity": 1},
    {"id": "K14-u3", "centre": "K14", "capacity": 2}
  ],
  "applications": [
    {"id": "a1", "choices": ["K12-u3", "K14-u3"], "criteria": ["single_parent"],
     "birth_date": "2024-03-15"},
    {"id": "a2", "choices": ["K12-u3"], "centre_criteria": {"K12": ["sibling"]},
     "birth_date": "2024-01-02"},
    {"id": "a3", "choices": ["K14-u3", "K12-u3"], "birth_date": "2023-11-30"}
  ]
})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<stadt::daycare::Policy> policy = stadt::daycare::ParsePolicy(text);
  if (!policy.ok()) return 0;
  static const absl::StatusOr<stadt::daycare::ParsedInstance> instance =
      stadt::daycare::ParseInstance(kInstance);
  if (!instance.ok()) std::abort();  // the fixed instance itself must stay valid
  absl::StatusOr<stadt::daycare::Allocator> allocator =
      stadt::daycare::Allocator::Create(instance->instance, *std::move(policy));
  if (!allocator.ok()) return 0;
  (void)stadt::daycare::ResultToJson(*allocator, allocator->Run(), /*explain=*/true);
  return 0;
}
