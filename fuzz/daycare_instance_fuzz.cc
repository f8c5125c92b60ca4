// Fuzzes the daycare instance file parsers (the one-pass reader daycare_allocate
// tries first, and the whole-document parser) and runs what daycare_allocate runs
// on an accepted file: a full allocation round and the explained result.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/instance_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)stadt::daycare::StreamInstance(text, {});
  (void)stadt::daycare::ParseInstance(text);
  // As daycare_allocate reads it: the wishes resolved to program indices.
  absl::StatusOr<stadt::daycare::ParsedInstance> parsed =
      stadt::daycare::ParseInstance(text, {.resolve_wishes = true});
  if (!parsed.ok()) return 0;
  stadt::daycare::Policy policy = parsed->policy.value_or(stadt::daycare::Policy{});
  absl::StatusOr<stadt::daycare::Allocator> allocator =
      stadt::daycare::Allocator::Create(std::move(parsed->instance), std::move(policy));
  if (!allocator.ok()) return 0;
  (void)stadt::daycare::ResultToJson(*allocator, allocator->Run(), /*explain=*/true);
  return 0;
}
