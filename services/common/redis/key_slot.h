#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace stadt::redis {

// Redis Cluster splits the key space into this many hash slots.
inline constexpr int kSlotCount = 16384;

// The cluster hash slot of `key`: CRC16 (XMODEM) modulo kSlotCount, of the
// hash tag if the key has one. The tag is what lies between the first '{' and
// the first '}' after it, if that is not empty: "{office:42}:day" and
// "{office:42}:holds" share a slot, "a{}b" hashes as a whole.
int KeySlot(absl::string_view key);

}  // namespace stadt::redis
