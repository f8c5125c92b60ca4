// Property tests of the allocation on random instances: stability, capacities, only
// chosen and eligible programs, equality with the child-optimal stable matching found
// by brute force, agreement with an independent round-based implementation,
// reproducibility, and spot checks that misreporting does not help.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/test_instances.h"

namespace stadt::daycare {
namespace {

using testing::InstanceShape;
using testing::RandomInstance;

Allocator MakeAllocator(Instance instance, Policy policy = {}) {
  absl::StatusOr<Allocator> allocator = Allocator::Create(std::move(instance), std::move(policy));
  EXPECT_TRUE(allocator.ok()) << allocator.status();
  return *std::move(allocator);
}

// An assignment as "position in the child's own choices", -1 for none.
using Matching = std::vector<int>;

Matching Positions(const RoundResult& result) {
  Matching positions;
  for (const Placement& placement : result.placements) {
    positions.push_back(placement.program < 0 ? -1 : placement.choice_rank - 1);
  }
  return positions;
}

// True when child a at position `pos` of its list is strictly better off than at `other`.
bool Prefers(int pos, int other) {
  if (pos < 0) return false;
  return other < 0 || pos < other;
}

// A description of the first violated condition, or "" when `matching` is feasible and
// stable (no child and program with room or a weaker holder would both rather match).
std::string CheckFeasibleAndStable(const Allocator& allocator, const Matching& matching) {
  const Instance& instance = allocator.instance();
  std::vector<std::vector<uint32_t>> holders(instance.programs.size());
  for (uint32_t a = 0; a < matching.size(); ++a) {
    if (matching[a] < 0) continue;
    const EvaluatedChoice& choice = allocator.choices(a)[matching[a]];
    if (choice.ineligible) return absl::StrCat("A", a, " placed at an ineligible choice");
    holders[choice.program].push_back(a);
  }
  for (uint32_t p = 0; p < holders.size(); ++p) {
    if (holders[p].size() > instance.programs[p].capacity) {
      return absl::StrCat("program ", p, " over capacity");
    }
  }
  for (uint32_t a = 0; a < matching.size(); ++a) {
    const auto choices = allocator.choices(a);
    const int end = matching[a] < 0 ? choices.size() : matching[a];
    for (int c = 0; c < end; ++c) {
      if (choices[c].ineligible) continue;
      const uint32_t p = choices[c].program;
      if (holders[p].size() < instance.programs[p].capacity) {
        return absl::StrCat("A", a, " and program ", p, " with a free place block");
      }
      const Priority mine = allocator.PriorityAt(a, choices[c].points);
      for (uint32_t holder : holders[p]) {
        const Priority theirs =
            allocator.PriorityAt(holder, allocator.choices(holder)[matching[holder]].points);
        if (Outranks(mine, theirs)) {
          return absl::StrCat("A", a, " outranks A", holder, " at program ", p);
        }
      }
    }
  }
  return "";
}

// Every feasible, stable matching, by enumerating all assignments (tiny instances only).
std::vector<Matching> AllStableMatchings(const Allocator& allocator) {
  const uint32_t n = allocator.instance().applications.size();
  std::vector<Matching> stable;
  Matching current(n, -1);
  std::function<void(uint32_t)> visit = [&](uint32_t a) {
    if (a == n) {
      if (CheckFeasibleAndStable(allocator, current).empty()) stable.push_back(current);
      return;
    }
    const auto choices = allocator.choices(a);
    for (int c = -1; c < static_cast<int>(choices.size()); ++c) {
      if (c >= 0 && choices[c].ineligible) continue;
      current[a] = c;
      visit(a + 1);
    }
    current[a] = -1;
  };
  visit(0);
  return stable;
}

// An independent implementation, simultaneous-rounds Gale-Shapley: in each round every
// free child proposes to its next eligible choice, and each program keeps the best
// `capacity` of the children it holds plus its new proposers.
Matching RoundBasedDeferredAcceptance(const Allocator& allocator) {
  const Instance& instance = allocator.instance();
  const uint32_t n = instance.applications.size();
  std::vector<size_t> next(n, 0);
  Matching held_at(n, -1);
  std::vector<std::vector<uint32_t>> holders(instance.programs.size());
  auto priority = [&](uint32_t a, int pos) {
    return allocator.PriorityAt(a, allocator.choices(a)[pos].points);
  };
  bool changed = true;
  while (changed) {
    changed = false;
    std::vector<std::vector<uint32_t>> proposers(instance.programs.size());
    for (uint32_t a = 0; a < n; ++a) {
      if (held_at[a] >= 0) continue;
      const auto choices = allocator.choices(a);
      while (next[a] < choices.size() && choices[next[a]].ineligible) ++next[a];
      if (next[a] == choices.size()) continue;
      proposers[choices[next[a]].program].push_back(a);
      held_at[a] = next[a];
      changed = true;
    }
    for (uint32_t p = 0; p < proposers.size(); ++p) {
      std::vector<uint32_t> pool = holders[p];
      pool.insert(pool.end(), proposers[p].begin(), proposers[p].end());
      std::sort(pool.begin(), pool.end(), [&](uint32_t x, uint32_t y) {
        return Outranks(priority(x, held_at[x]), priority(y, held_at[y]));
      });
      const size_t keep = std::min<size_t>(pool.size(), instance.programs[p].capacity);
      for (size_t i = keep; i < pool.size(); ++i) {
        held_at[pool[i]] = -1;
        ++next[pool[i]];
      }
      pool.resize(keep);
      holders[p] = pool;
    }
  }
  return held_at;
}

TEST(MatchingPropertyTest, EqualsTheChildOptimalStableMatchingOnTinyInstances) {
  int instances_with_several_stable_matchings = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    const testing::InstanceShape shape = testing::Shape(5, 3, 3, 2);
    Allocator allocator = MakeAllocator(RandomInstance(seed, shape));
    const Matching result = Positions(allocator.Run());
    ASSERT_EQ(CheckFeasibleAndStable(allocator, result), "") << "seed " << seed;
    const std::vector<Matching> stable = AllStableMatchings(allocator);
    ASSERT_NE(std::find(stable.begin(), stable.end(), result), stable.end()) << "seed " << seed;
    if (stable.size() > 1) ++instances_with_several_stable_matchings;
    for (const Matching& other : stable) {
      for (size_t a = 0; a < result.size(); ++a) {
        ASSERT_FALSE(Prefers(other[a], result[a]))
            << "seed " << seed << ": A" << a << " is better off in another stable matching";
      }
    }
  }
  // The comparison means something only if some instances have a choice to make.
  EXPECT_GT(instances_with_several_stable_matchings, 0);
}

TEST(MatchingPropertyTest, AgreesWithAnIndependentRoundBasedImplementation) {
  for (uint64_t seed = 1000; seed < 1100; ++seed) {
    const testing::InstanceShape shape = testing::Shape(200, 30, 6, 8, 4);
    Allocator allocator = MakeAllocator(RandomInstance(seed, shape));
    const RoundResult result = allocator.Run();
    EXPECT_EQ(Positions(result), RoundBasedDeferredAcceptance(allocator)) << "seed " << seed;
    EXPECT_EQ(CheckFeasibleAndStable(allocator, Positions(result)), "") << "seed " << seed;
  }
}

TEST(MatchingPropertyTest, RespectsCapacitiesAndAssignsOnlyChosenEligiblePrograms) {
  for (uint64_t seed = 2000; seed < 2100; ++seed) {
    const testing::InstanceShape shape = testing::Shape(120, 15, 5, 6);
    Allocator allocator = MakeAllocator(RandomInstance(seed, shape));
    const RoundResult result = allocator.Run();
    std::vector<uint32_t> filled(allocator.instance().programs.size(), 0);
    for (uint32_t a = 0; a < result.placements.size(); ++a) {
      const Placement& placement = result.placements[a];
      if (placement.program < 0) {
        EXPECT_EQ(placement.choice_rank, 0);
        continue;
      }
      ++filled[placement.program];
      const auto& choices = allocator.instance().applications[a].choices;
      ASSERT_GE(placement.choice_rank, 1);
      ASSERT_LE(static_cast<size_t>(placement.choice_rank), choices.size());
      EXPECT_EQ(choices[placement.choice_rank - 1],
                allocator.instance().programs[placement.program].id);
      EXPECT_FALSE(allocator.choices(a)[placement.choice_rank - 1].ineligible);
    }
    for (uint32_t p = 0; p < filled.size(); ++p) {
      EXPECT_LE(filled[p], allocator.instance().programs[p].capacity);
      EXPECT_EQ(filled[p], result.programs[p].filled);
    }
  }
}

TEST(MatchingPropertyTest, CutoffIsTheWeakestAdmittedChild) {
  for (uint64_t seed = 3000; seed < 3050; ++seed) {
    const testing::InstanceShape shape = testing::Shape(80, 10, 4, 5);
    Allocator allocator = MakeAllocator(RandomInstance(seed, shape));
    const RoundResult result = allocator.Run();
    for (uint32_t p = 0; p < result.programs.size(); ++p) {
      const ProgramOutcome& outcome = result.programs[p];
      EXPECT_EQ(outcome.cutoff_application.has_value(), outcome.filled > 0);
      if (!outcome.cutoff_application) continue;
      const uint32_t cutoff = *outcome.cutoff_application;
      ASSERT_EQ(result.placements[cutoff].program, static_cast<int32_t>(p));
      const auto priority_of = [&](uint32_t a) {
        return allocator.PriorityAt(
            a, allocator.choices(a)[result.placements[a].choice_rank - 1].points);
      };
      for (uint32_t a = 0; a < result.placements.size(); ++a) {
        if (a == cutoff || result.placements[a].program != static_cast<int32_t>(p)) continue;
        EXPECT_TRUE(Outranks(priority_of(a), priority_of(cutoff)));
      }
    }
  }
}

TEST(MatchingPropertyTest, SameSeedGivesTheSameBytes) {
  for (uint64_t seed = 4000; seed < 4020; ++seed) {
    const testing::InstanceShape shape = testing::Shape(150, 12, 5, 9);
    Allocator first = MakeAllocator(RandomInstance(seed, shape));
    Allocator second = MakeAllocator(RandomInstance(seed, shape));
    EXPECT_EQ(ResultToJson(first, first.Run(), true), ResultToJson(second, second.Run(), true));
  }
}

TEST(MatchingPropertyTest, TheLotterySeedDecidesTiesOnly) {
  // All children have the same points and no birth date: the lottery alone decides, and
  // a program takes exactly the lowest lottery numbers among those who ranked it first.
  Instance instance;
  instance.seed = 77;
  instance.programs.push_back(testing::MakeProgram("P", 3));
  for (int c = 0; c < 10; ++c) {
    Application application;
    application.id = absl::StrCat("A", c);
    application.choices = {"P"};
    instance.applications.push_back(application);
  }
  Allocator allocator = MakeAllocator(instance);
  const RoundResult result = allocator.Run();
  for (uint32_t a = 0; a < 10; ++a) {
    EXPECT_EQ(result.placements[a].program == 0, allocator.lottery(a) < 3) << "A" << a;
  }
}

// Enumerates every list of up to `max_length` distinct programs.
void ForEachList(int programs, int max_length, std::vector<int>* list,
                 const std::function<void(const std::vector<int>&)>& visit) {
  visit(*list);
  if (static_cast<int>(list->size()) == max_length) return;
  for (int p = 0; p < programs; ++p) {
    if (std::find(list->begin(), list->end(), p) != list->end()) continue;
    list->push_back(p);
    ForEachList(programs, max_length, list, visit);
    list->pop_back();
  }
}

TEST(MatchingPropertyTest, NoChildGainsByMisreportingSpotChecks) {
  const testing::InstanceShape shape = testing::Shape(6, 4, 4, 2);
  int lists_tried = 0;
  for (uint64_t seed = 5000; seed < 5040; ++seed) {
    const Instance truth = RandomInstance(seed, shape);
    Allocator honest = MakeAllocator(truth);
    const RoundResult honest_result = honest.Run();
    for (uint32_t a = 0; a < truth.applications.size(); ++a) {
      const std::vector<std::string>& true_list = truth.applications[a].choices;
      // Rank of a program in the child's true preferences; unlisted ones are unwanted.
      auto true_rank = [&](int32_t program) -> int {
        if (program < 0) return -1;
        auto it = std::find(true_list.begin(), true_list.end(), truth.programs[program].id);
        return it == true_list.end() ? -2 : static_cast<int>(it - true_list.begin());
      };
      const int honest_rank = true_rank(honest_result.placements[a].program);
      std::vector<int> list;
      ForEachList(shape.programs, shape.max_choices, &list, [&](const std::vector<int>& lie) {
        Instance reported = truth;
        reported.applications[a].choices.clear();
        for (int p : lie) reported.applications[a].choices.push_back(absl::StrCat("P", p));
        Allocator liar = MakeAllocator(std::move(reported));
        const int rank = true_rank(liar.Run().placements[a].program);
        ++lists_tried;
        // -2 (an unwanted place) and -1 (none) are never better than the honest outcome.
        if (rank >= 0) {
          ASSERT_FALSE(Prefers(rank, honest_rank))
              << "seed " << seed << ": A" << a << " gains by misreporting";
        }
      });
    }
  }
  EXPECT_GT(lists_tried, 10000);
}

}  // namespace
}  // namespace stadt::daycare
