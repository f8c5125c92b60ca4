#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/redis/redis_client.h"

namespace stadt::redis {

// Which arguments of a command are keys, as the server describes its commands
// in the reply to COMMAND: a cluster client routes by them. Learning this
// from the server instead of a list of our own keeps every command routable,
// also ones added later.
class CommandKeyTable {
 public:
  // Builds the table from the reply to COMMAND (Redis 7 layout: name, arity,
  // flags, first key, last key, step, ..., subcommands).
  static absl::StatusOr<CommandKeyTable> FromCommandReply(const Reply& reply);

  // The keys among `args` (args[0] is the command). nullopt when only the
  // server can tell (a command with movable keys the table cannot place, or
  // one it does not know): ask it with COMMAND GETKEYS.
  std::optional<std::vector<absl::string_view>> Keys(const std::vector<std::string>& args) const;

 private:
  struct KeySpec {
    int first = 0;  // 0: no keys at fixed positions
    int last = 0;   // negative: counted from the end
    int step = 0;
    bool movable = false;
    bool has_subcommands = false;
  };

  void Add(const Reply& entry);
  const KeySpec* Find(const std::vector<std::string>& args) const;

  // Lower-case name, "container|subcommand" for subcommands.
  absl::flat_hash_map<std::string, KeySpec> specs_;
};

}  // namespace stadt::redis
