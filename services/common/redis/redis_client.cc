#include "services/common/redis/redis_client.h"

#include <openssl/evp.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/common/redis/key_slot.h"
#include "services/common/redis/node_pool.h"
#include "services/common/redis/topology.h"

namespace stadt::redis {
namespace {

using internal::Connection;
using internal::NodePool;
using internal::Unavailable;

// A chain of redirections longer than this means the cluster is reshuffling
// faster than we can follow; the caller may retry later.
constexpr int kMaxHops = 5;

bool IsNoScript(const absl::StatusOr<Reply>& reply) {
  return absl::IsInternal(reply.status()) &&
         absl::StartsWith(reply.status().message(), "NOSCRIPT ");
}

// What an error reply says about where the command belongs.
struct Redirect {
  enum class Kind { kNone, kMoved, kAsk, kReadOnly };
  Kind kind = Kind::kNone;
  int slot = -1;
  Address address;
};

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 :6381" (empty host: the same host
// as the node that answered) / "READONLY You can't write against a replica".
Redirect ParseRedirect(const absl::Status& status, const Address& from) {
  Redirect redirect;
  if (!absl::IsInternal(status)) return redirect;
  const absl::string_view text = status.message();
  if (absl::StartsWith(text, "READONLY ")) {
    redirect.kind = Redirect::Kind::kReadOnly;
    return redirect;
  }
  const std::vector<absl::string_view> words = absl::StrSplit(text, ' ');
  if (words.size() != 3 || (words[0] != "MOVED" && words[0] != "ASK")) return redirect;
  const size_t colon = words[2].rfind(':');
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(words[1], &redirect.slot) ||
      !absl::SimpleAtoi(words[2].substr(colon + 1), &redirect.address.port)) {
    return redirect;
  }
  redirect.address.host = std::string(words[2].substr(0, colon));
  if (redirect.address.host.empty()) redirect.address.host = from.host;
  redirect.kind = words[0] == "MOVED" ? Redirect::Kind::kMoved : Redirect::Kind::kAsk;
  return redirect;
}

std::vector<std::string> EvalShaCommand(const Script& script, const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> command = {"EVALSHA", script.sha(), std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

// The slot all `keys` share. The message names positions and slots only:
// keys may hold personal data, and this text can end up in a log.
absl::StatusOr<std::optional<int>> CommonSlot(const std::vector<absl::string_view>& keys,
                                              absl::string_view what) {
  std::optional<int> slot;
  for (size_t i = 0; i < keys.size(); ++i) {
    const int this_slot = KeySlot(keys[i]);
    if (!slot.has_value()) {
      slot = this_slot;
    } else if (*slot != this_slot) {
      return absl::InternalError(absl::StrCat(
          "CROSSSLOT the keys of ", what, " lie in more than one hash slot (key 1 in slot ", *slot,
          ", key ", i + 1, " in slot ", this_slot,
          "); a Redis Cluster runs it only if they share one {hash tag}"));
    }
  }
  return slot;
}

// Pipeline replies as the caller sees them: the first error, else all replies.
absl::StatusOr<std::vector<Reply>> FirstErrorOrAll(std::vector<absl::StatusOr<Reply>> outcomes) {
  std::vector<Reply> replies;
  replies.reserve(outcomes.size());
  for (absl::StatusOr<Reply>& outcome : outcomes) {
    if (!outcome.ok()) return outcome.status();
    replies.push_back(*std::move(outcome));
  }
  return replies;
}

// hiredis writes with write(2), so a write on a connection that Redis dropped
// would kill the process with SIGPIPE instead of yielding UNAVAILABLE. A
// handler that the program installed itself is left alone.
void IgnoreSigpipeUnlessHandled() {
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    signal(SIGPIPE, SIG_IGN);
  }
}

}  // namespace

std::string Address::ToString() const { return absl::StrCat(host, ":", port); }

namespace {

// A script with a shebang line is held by Redis Cluster to the slot of its
// declared keys: touching any other key (read or write, declared or built
// inside the script) fails with "Script attempted to access keys that do not
// hash to the same slot", even when that slot lives on the same node. A
// script without one may touch undeclared keys of other slots on its node,
// which breaks silently once those slots move. On a single node (and with
// Sentinel) the line changes nothing.
bool HasShebang(absl::string_view source) { return absl::StartsWith(source, "#!"); }

}  // namespace

Script::Script(std::string source) : source_(std::move(source)) {
  if (!HasShebang(source_)) source_ = absl::StrCat("#!lua\n", source_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(source_.data(), source_.size(), digest, &length, EVP_sha1(), nullptr) == 1) {
    sha_ = absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length));
  }
}

std::unique_ptr<Client> Client::Create(Options options) {
  IgnoreSigpipeUnlessHandled();
  if (options.mode == Mode::kCluster && options.seeds.empty()) {
    options.seeds.push_back(Address{options.host, options.port});
  }
  return std::unique_ptr<Client>(new Client(options));
}

Client::Client(const Options& options)
    : topology_(std::make_unique<internal::Topology>(options)),
      wait_replicas_(options.wait_replicas),
      wait_timeout_(options.wait_timeout) {}

Client::~Client() = default;

absl::StatusOr<Reply> Client::Command(const std::vector<std::string>& args) {
  if (args.empty()) return absl::InvalidArgumentError("empty redis command");
  absl::StatusOr<std::optional<int>> slot = SlotOf(args);
  if (!slot.ok()) return slot.status();
  return RoutedCommand(*slot, args);
}

absl::StatusOr<std::vector<Reply>> Client::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    if (command.empty()) return absl::InvalidArgumentError("empty redis command in pipeline");
  }
  if (topology_->mode() == Mode::kCluster) return ClusterPipeline(commands);
  absl::StatusOr<Reply> all = Run(std::nullopt, [&](Connection& connection, bool) {
    absl::StatusOr<std::vector<absl::StatusOr<Reply>>> outcomes = connection.Pipeline(commands);
    if (!outcomes.ok()) return absl::StatusOr<Reply>(outcomes.status());
    absl::StatusOr<std::vector<Reply>> replies = FirstErrorOrAll(*std::move(outcomes));
    if (!replies.ok()) return absl::StatusOr<Reply>(replies.status());
    return absl::StatusOr<Reply>(Reply{
        .type = Reply::Type::kArray, .str = {}, .integer = 0, .elements = *std::move(replies)});
  });
  if (!all.ok()) return all.status();
  return std::move(all->elements);
}

absl::StatusOr<Reply> Client::Eval(const Script& script, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args) {
  std::optional<int> slot;
  if (topology_->mode() == Mode::kCluster) {
    absl::StatusOr<std::optional<int>> common =
        CommonSlot(std::vector<absl::string_view>(keys.begin(), keys.end()),
                   absl::StrCat("script ", script.sha().substr(0, 12)));
    if (!common.ok()) return common.status();
    slot = *common;
  }
  const std::vector<std::string> command = EvalShaCommand(script, keys, args);
  return Run(slot, [&](Connection& connection, bool asking) {
    absl::StatusOr<Reply> reply = connection.Command(command, asking);
    if (!IsNoScript(reply)) return AwaitReplicas(connection, std::move(reply));
    // Script caches are per server, not per connection, and are lost on
    // restart, SCRIPT FLUSH or failover; loading on demand on the node that
    // runs it covers all of these.
    absl::StatusOr<Reply> loaded = connection.Command({"SCRIPT", "LOAD", script.source()});
    if (!loaded.ok()) return loaded;
    return AwaitReplicas(connection, connection.Command(command, asking));
  });
}

absl::StatusOr<Reply> Client::AwaitReplicas(Connection& connection, absl::StatusOr<Reply> reply) {
  if (wait_replicas_ <= 0 || !reply.ok()) return reply;
  // WAIT counts the replicas that have everything this connection wrote.
  absl::StatusOr<Reply> replicas = connection.Command(
      {"WAIT", absl::StrCat(wait_replicas_), absl::StrCat(wait_timeout_.count())});
  if (!replicas.ok()) return replicas.status();
  if (replicas->integer < wait_replicas_) {
    return absl::UnavailableError(absl::StrCat(
        "written on the primary but confirmed by ", replicas->integer, " of ", wait_replicas_,
        " replicas within ", wait_timeout_.count(), " ms: a failover may lose it"));
  }
  return reply;
}

absl::Status Client::Ping() { return Command({"PING"}).status(); }

absl::StatusOr<std::vector<std::string>> Client::ScanKeys(const std::string& pattern) {
  // Where to send SCAN: anywhere, or in cluster mode one slot of each primary
  // (the call is routed by that slot to the node serving it).
  std::vector<std::optional<int>> targets = {std::nullopt};
  if (topology_->mode() == Mode::kCluster) {
    absl::StatusOr<Reply> ranges = RoutedCommand(std::nullopt, {"CLUSTER", "SLOTS"});
    if (!ranges.ok()) return ranges.status();
    std::map<std::string, int> first_slot_of_node;
    for (const Reply& range : ranges->elements) {
      if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
      const Reply& node = range.elements[2];
      first_slot_of_node.emplace(absl::StrCat(node.elements[0].str, ":", node.elements[1].integer),
                                 static_cast<int>(range.elements[0].integer));
    }
    targets.clear();
    for (const auto& [node, slot] : first_slot_of_node) targets.push_back(slot);
  }
  std::vector<std::string> keys;
  for (const std::optional<int>& target : targets) {
    std::string cursor = "0";
    do {
      absl::StatusOr<Reply> page =
          RoutedCommand(target, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      if (!page.ok()) return page.status();
      if (page->elements.size() != 2) return absl::InternalError("unexpected SCAN reply");
      cursor = page->elements[0].str;
      for (const Reply& key : page->elements[1].elements) keys.push_back(key.str);
    } while (cursor != "0");
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

absl::StatusOr<Reply> Client::RoutedCommand(std::optional<int> slot,
                                            const std::vector<std::string>& args) {
  return Run(slot, [&args](Connection& connection, bool asking) {
    return connection.Command(args, asking);
  });
}

absl::StatusOr<std::optional<int>> Client::SlotOf(const std::vector<std::string>& args) {
  if (topology_->mode() != Mode::kCluster) return std::nullopt;
  std::optional<std::vector<absl::string_view>> keys = topology_->Keys(args);
  if (!keys.has_value()) {
    // Only the server can tell (movable keys), or the command table is not
    // learnt yet: any node answers COMMAND GETKEYS.
    std::vector<std::string> get_keys = {"COMMAND", "GETKEYS"};
    get_keys.insert(get_keys.end(), args.begin(), args.end());
    absl::StatusOr<Reply> named = RoutedCommand(std::nullopt, get_keys);
    // An error (a keyless or malformed command): route it anywhere and let
    // the node running it give the real error.
    if (absl::IsUnavailable(named.status())) return named.status();
    if (!named.ok()) return std::nullopt;
    std::vector<absl::string_view> from_server;
    from_server.reserve(named->elements.size());
    for (const Reply& key : named->elements) from_server.push_back(key.str);
    return CommonSlot(from_server, args[0]);
  }
  return CommonSlot(*keys, args[0]);
}

absl::StatusOr<Reply> Client::Run(std::optional<int> slot, const Call& call) {
  absl::StatusOr<std::shared_ptr<NodePool>> pool = topology_->PoolFor(slot);
  const bool follows = topology_->mode() != Mode::kSingle;
  bool asking = false;
  bool looked_again = false;
  for (int hop = 0; hop <= kMaxHops; ++hop) {
    if (!pool.ok()) return pool.status();
    absl::StatusOr<NodePool::Lease> lease = (*pool)->Acquire();
    if (!lease.ok()) {
      // Nothing was sent, so one more try is safe: the node may be gone for
      // good (a failover), and the primaries looked up again name another.
      if (!follows || looked_again) return lease.status();
      looked_again = true;
      topology_->MarkStale();
      absl::StatusOr<std::shared_ptr<NodePool>> again = topology_->PoolFor(slot);
      if (!again.ok() || *again == *pool) return lease.status();
      pool = std::move(again);
      asking = false;
      continue;
    }
    absl::StatusOr<Reply> reply = call(**lease, asking);
    if (reply.ok() || !follows) return reply;
    if ((*lease)->broken()) {
      // Sent, outcome unknown: not retried, but the next call looks again.
      topology_->MarkStale();
      return reply;
    }
    const Redirect redirect = ParseRedirect(reply.status(), (*pool)->address());
    switch (redirect.kind) {
      case Redirect::Kind::kNone:
        return reply;
      case Redirect::Kind::kMoved:
        topology_->Moved(redirect.slot, redirect.address);
        pool = topology_->PoolAt(redirect.address);
        asking = false;
        break;
      case Redirect::Kind::kAsk:
        pool = topology_->PoolAt(redirect.address);
        asking = true;
        break;
      case Redirect::Kind::kReadOnly:
        // The node was demoted; a write refused with READONLY did not run.
        topology_->MarkStale();
        pool = topology_->PoolFor(slot);
        asking = false;
        break;
    }
  }
  return Unavailable("too many redirections: the cluster is changing, try again");
}

// Groups the commands by the primary serving them, sends one pipeline per
// primary, and sends a command again alone (following redirections) if its
// node redirected it or could not be reached, which both mean it did not run.
absl::StatusOr<std::vector<Reply>> Client::ClusterPipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<std::optional<int>> slots;
  slots.reserve(commands.size());
  for (const std::vector<std::string>& command : commands) {
    absl::StatusOr<std::optional<int>> slot = SlotOf(command);
    if (!slot.ok()) return slot.status();
    slots.push_back(*slot);
  }
  struct Group {
    std::shared_ptr<NodePool> pool;
    std::vector<size_t> members;
  };
  std::vector<Group> groups;
  absl::flat_hash_map<NodePool*, size_t> group_of;
  for (size_t i = 0; i < commands.size(); ++i) {
    absl::StatusOr<std::shared_ptr<NodePool>> pool = topology_->PoolFor(slots[i]);
    if (!pool.ok()) return pool.status();
    auto [it, added] = group_of.try_emplace(pool->get(), groups.size());
    if (added) groups.push_back(Group{*pool, {}});
    groups[it->second].members.push_back(i);
  }
  std::vector<absl::StatusOr<Reply>> outcomes(commands.size(), Unavailable("not sent"));
  for (const Group& group : groups) {
    std::vector<std::vector<std::string>> batch;
    batch.reserve(group.members.size());
    for (const size_t i : group.members) batch.push_back(commands[i]);
    absl::StatusOr<NodePool::Lease> lease = group.pool->Acquire();
    absl::StatusOr<std::vector<absl::StatusOr<Reply>>> replies =
        lease.ok() ? (*lease)->Pipeline(batch)
                   : absl::StatusOr<std::vector<absl::StatusOr<Reply>>>(lease.status());
    if (!replies.ok() && lease.ok()) {
      // Broken after sending: which commands ran is unknown.
      topology_->MarkStale();
      for (const size_t i : group.members) outcomes[i] = replies.status();
      continue;
    }
    for (size_t j = 0; j < group.members.size(); ++j) {
      const size_t i = group.members[j];
      absl::StatusOr<Reply> outcome = replies.ok() ? std::move((*replies)[j]) : lease.status();
      const bool not_run =
          !lease.ok() ||
          ParseRedirect(outcome.status(), group.pool->address()).kind != Redirect::Kind::kNone;
      outcomes[i] = not_run ? RoutedCommand(slots[i], commands[i]) : std::move(outcome);
    }
  }
  return FirstErrorOrAll(std::move(outcomes));
}

}  // namespace stadt::redis
