#pragma once

#include <string>
#include <string_view>

namespace stadt::gateway {

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF. Proto3 `string` fields and JSON text must hold exactly that.
bool IsValidUtf8(std::string_view text);

// `text` with every byte that is not part of a well-formed sequence replaced
// by U+FFFD, so that it can be put into a JSON document.
std::string ToValidUtf8(std::string_view text);

}  // namespace stadt::gateway
