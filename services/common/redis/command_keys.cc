#include "services/common/redis/command_keys.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace stadt::redis {
namespace {

// Indexes of a COMMAND entry's fields.
constexpr size_t kName = 0;
constexpr size_t kFlags = 2;
constexpr size_t kFirstKey = 3;
constexpr size_t kLastKey = 4;
constexpr size_t kStep = 5;
constexpr size_t kSubcommands = 9;

bool HasFlag(const Reply& flags, absl::string_view flag) {
  for (const Reply& element : flags.elements) {
    if (element.str == flag) return true;
  }
  return false;
}

// EVAL, EVALSHA, FCALL and their read-only twins: the count of keys is the
// third argument and the keys follow it. The hot path of every service, so it
// never costs a COMMAND GETKEYS.
std::optional<std::vector<absl::string_view>> KeysAfterCount(const std::vector<std::string>& args) {
  int count = 0;
  if (args.size() < 3 || !absl::SimpleAtoi(args[2], &count) || count < 0 ||
      args.size() < 3 + static_cast<size_t>(count)) {
    return std::nullopt;
  }
  return std::vector<absl::string_view>(args.begin() + 3, args.begin() + 3 + count);
}

// XREAD and XREADGROUP: after STREAMS come the keys, then as many ids.
std::optional<std::vector<absl::string_view>> StreamKeys(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (!absl::EqualsIgnoreCase(args[i], "STREAMS")) continue;
    const size_t rest = args.size() - i - 1;
    if (rest == 0 || rest % 2 != 0) return std::nullopt;
    return std::vector<absl::string_view>(args.begin() + static_cast<long>(i) + 1,
                                          args.begin() + static_cast<long>(i + 1 + rest / 2));
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<CommandKeyTable> CommandKeyTable::FromCommandReply(const Reply& reply) {
  if (reply.type != Reply::Type::kArray || reply.elements.empty()) {
    return absl::InternalError("COMMAND reply is not a list of commands");
  }
  CommandKeyTable table;
  for (const Reply& entry : reply.elements) table.Add(entry);
  return table;
}

void CommandKeyTable::Add(const Reply& entry) {
  if (entry.type != Reply::Type::kArray || entry.elements.size() <= kStep) return;
  const std::vector<Reply>& fields = entry.elements;
  KeySpec spec;
  spec.first = static_cast<int>(fields[kFirstKey].integer);
  spec.last = static_cast<int>(fields[kLastKey].integer);
  spec.step = static_cast<int>(fields[kStep].integer);
  spec.movable = HasFlag(fields[kFlags], "movablekeys");
  if (fields.size() > kSubcommands && !fields[kSubcommands].elements.empty()) {
    spec.has_subcommands = true;
    for (const Reply& subcommand : fields[kSubcommands].elements) Add(subcommand);
  }
  specs_[absl::AsciiStrToLower(fields[kName].str)] = spec;
}

const CommandKeyTable::KeySpec* CommandKeyTable::Find(const std::vector<std::string>& args) const {
  const std::string name = absl::AsciiStrToLower(args[0]);
  const auto found = specs_.find(name);
  if (found == specs_.end()) return nullptr;
  if (found->second.has_subcommands && args.size() > 1) {
    const auto sub = specs_.find(absl::StrCat(name, "|", absl::AsciiStrToLower(args[1])));
    if (sub != specs_.end()) return &sub->second;
  }
  return &found->second;
}

std::optional<std::vector<absl::string_view>> CommandKeyTable::Keys(
    const std::vector<std::string>& args) const {
  if (args.empty()) return std::vector<absl::string_view>();
  const std::string name = absl::AsciiStrToLower(args[0]);
  if (name == "eval" || name == "evalsha" || name == "eval_ro" || name == "evalsha_ro" ||
      name == "fcall" || name == "fcall_ro") {
    return KeysAfterCount(args);
  }
  if (name == "xread" || name == "xreadgroup") return StreamKeys(args);
  const KeySpec* spec = Find(args);
  if (spec == nullptr || spec->movable) return std::nullopt;
  std::vector<absl::string_view> keys;
  if (spec->first <= 0 || spec->step <= 0) return keys;
  const int size = static_cast<int>(args.size());
  const int last = spec->last < 0 ? size + spec->last : spec->last;
  for (int i = spec->first; i <= last && i < size; i += spec->step) keys.push_back(args[i]);
  return keys;
}

}  // namespace stadt::redis
