// Siblings placed together (issue 19): the couples extension of the matching on
// hand-made and seeded random instances, checked against brute force.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <tuple>

#include "gtest/gtest.h"
#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/explanation.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/test_instances.h"

namespace stadt::daycare {
namespace {

Allocator MakeAllocator(Instance instance) {
  absl::StatusOr<Allocator> allocator = Allocator::Create(std::move(instance), Policy{});
  EXPECT_TRUE(allocator.ok()) << allocator.status();
  return *std::move(allocator);
}

Application WithPoints(Application application, ProgramPoints points) {
  application.points = std::move(points);
  return application;
}

// Two programs of one centre (K), one place each; the pair A (first at P1) and B
// (second at P2) and a single S who wants P1, then P2. A outranks S at P1, S
// outranks B at P2. No matching is stable: the pair placed leaves S blocking at
// P2; the pair out leaves it blocking both places (Roth 1984).
Instance NoStableMatching() {
  Instance instance;
  instance.seed = 1;
  instance.programs = {testing::MakeProgram("P1", 1, "K"), testing::MakeProgram("P2", 1, "K")};
  Application first = WithPoints(testing::MakeApplication("A", {"P1"}), {{"P1", 2}});
  first.together_with = "B";
  Application second = WithPoints(testing::MakeApplication("B", {"P2"}), {{"P2", 1}});
  instance.applications = {
      first, second,
      WithPoints(testing::MakeApplication("S", {"P1", "P2"}), {{"P1", 1}, {"P2", 2}})};
  return instance;
}

TEST(CouplesTest, TwinsShareAProgramWithTwoPlacesOrStayOutTogether) {
  for (uint32_t places : {1u, 2u}) {
    Instance instance;
    instance.seed = 3;
    instance.programs = {testing::MakeProgram("P1", places, "K1"),
                         testing::MakeProgram("P2", 5, "K2")};
    Application first = WithPoints(testing::MakeApplication("T1", {"P1"}), {{"P1", 9}});
    first.together_with = "T2";
    Application second = WithPoints(testing::MakeApplication("T2", {"P1"}), {{"P1", 9}});
    Application single =
        WithPoints(testing::MakeApplication("S", {"P1", "P2"}), {{"P1", 0}, {"P2", 0}});
    instance.applications = {first, second, single};
    Allocator allocator = MakeAllocator(instance);
    const RoundResult result = allocator.Run();
    ASSERT_EQ(result.couples.size(), 1u);
    EXPECT_TRUE(result.stable);
    if (places == 2) {
      EXPECT_EQ(result.placements[0].program, 0);
      EXPECT_EQ(result.placements[1].program, 0);
      EXPECT_EQ(result.placements[2].program, 1);  // the twins outrank S
    } else {
      // One place cannot take both: neither is placed, and S gets it.
      EXPECT_EQ(result.placements[0].program, -1);
      EXPECT_EQ(result.placements[1].program, -1);
      EXPECT_EQ(result.placements[2].program, 0);
      const Explanation why = Explain(allocator, result, 0, {}, Language::kEnglish);
      EXPECT_NE(why.summary.find("placed together or not at all"), std::string::npos)
          << why.summary;
      ASSERT_EQ(why.choices.size(), 1u);
      EXPECT_NE(why.choices[0].text.find("Your child alone could have had a place"),
                std::string::npos)
          << why.choices[0].text;
      const Explanation german = Explain(allocator, result, 0);
      EXPECT_NE(german.summary.find("Ihr Kind und sein Geschwisterkind (Antrag T2) werden nur "
                                    "gemeinsam oder gar nicht aufgenommen"),
                std::string::npos)
          << german.summary;
      ASSERT_EQ(german.choices.size(), 1u);
      EXPECT_NE(german.choices[0].text.find("Ihr Kind allein hätte einen Platz in"),
                std::string::npos)
          << german.choices[0].text;
    }
  }
}

TEST(CouplesTest, SiblingsOfDifferentAgesTakeTwoProgramsOfOneCentre) {
  Instance instance;
  instance.seed = 5;
  instance.programs = {
      testing::MakeProgram("K1-U3", 1, "K1"), testing::MakeProgram("K1-KG", 0, "K1"),
      testing::MakeProgram("K2-U3", 1, "K2"), testing::MakeProgram("K2-KG", 1, "K2")};
  // The younger wants K1 then K2, the older too; K1 has no kindergarten place,
  // so the pair goes to K2 although the younger alone would get K1.
  Application younger = testing::MakeApplication("Y", {"K1-U3", "K2-U3"});
  younger.together_with = "O";
  const Application older = testing::MakeApplication("O", {"K1-KG", "K2-KG"});
  instance.applications = {younger, older};
  Allocator allocator = MakeAllocator(instance);
  const RoundResult result = allocator.Run();
  EXPECT_EQ(result.placements[0].program, 2);
  EXPECT_EQ(result.placements[1].program, 3);
  const std::string json = ResultToJson(allocator, result, true, Language::kEnglish);
  EXPECT_NE(json.find(R"("couples":[{"applications":["Y","O"],"as_pair":true,)"
                      R"("placed_together":true,"centre":"K2","blocking":false}],)"
                      R"("stable":true,"repair_rounds":0)"),
            std::string::npos)
      << json;
  const Explanation why = Explain(allocator, result, 0, {}, Language::kEnglish);
  EXPECT_NE(why.summary.find("Its sibling (O) has a place at the same centre"), std::string::npos);
  ASSERT_EQ(why.choices.size(), 1u);
  EXPECT_NE(why.choices[0].text.find("no place there for both of your children"), std::string::npos)
      << why.choices[0].text;
  const Explanation german = Explain(allocator, result, 0);
  EXPECT_EQ(german.summary,
            "Ihr Kind hat einen Platz in K2-U3, Ihrem Wunsch Nummer 2. Sein Geschwisterkind "
            "(Antrag O) hat einen Platz in derselben Einrichtung.");
  ASSERT_EQ(german.choices.size(), 1u);
  EXPECT_EQ(german.choices[0].text,
            "Ihr Kind allein hätte einen Platz in K1-U3 bekommen können, aber Ihre Kinder werden "
            "nur gemeinsam oder gar nicht aufgenommen, und dort war kein Platz für beide Kinder "
            "zusammen frei.");
}

TEST(CouplesTest, WithoutAStableMatchingTheFallbackIsReportedAndSinglesAreNotBlocked) {
  Allocator allocator = MakeAllocator(NoStableMatching());
  const RoundResult result = allocator.Run();
  EXPECT_FALSE(result.stable);
  // The moves go round in a cycle, noticed when a state comes back.
  EXPECT_GE(result.repair_rounds, 1u);
  EXPECT_LT(result.repair_rounds, kMaxCoupleRepairRounds);
  // Together or not at all.
  EXPECT_EQ(result.placements[0].program < 0, result.placements[1].program < 0);
  ASSERT_EQ(result.couples.size(), 1u);
  const std::string json = ResultToJson(allocator, result, true, Language::kEnglish);
  EXPECT_NE(json.find("\"stable\":false"), std::string::npos) << json;
  // The same every time.
  EXPECT_EQ(json, ResultToJson(allocator, allocator.Run(), true, Language::kEnglish));
}

TEST(CouplesTest, NamingAnUnknownOrTakenSiblingIsRefused) {
  Instance unknown = NoStableMatching();
  unknown.applications[0].together_with = "X";
  EXPECT_EQ(Allocator::Create(unknown, Policy{}).status().message(),
            "applications[0].together_with: unknown application \"X\"");
  Instance self = NoStableMatching();
  self.applications[0].together_with = "A";
  EXPECT_EQ(Allocator::Create(self, Policy{}).status().message(),
            "applications[0].together_with: must name another application");
  Instance taken = NoStableMatching();
  taken.applications[2].together_with = "B";
  EXPECT_EQ(Allocator::Create(taken, Policy{}).status().message(),
            "applications[2].together_with: \"B\" is placed together with \"A\"");
}

// ---- brute force on tiny random instances ----

struct Tiny {
  Allocator allocator;
  std::vector<int32_t> partner;                         // per application, -1: single
  std::vector<std::vector<std::pair<int, int>>> joint;  // per application (first of a pair)
};

std::string_view Centre(const Program& program) { return program.centre; }

// The published rule, written out again: both programs at one centre, by the sum of
// the positions, then the worse one, then the first child's.
std::vector<std::pair<int, int>> JointWishes(const Allocator& allocator, uint32_t a, uint32_t b) {
  std::vector<std::pair<int, int>> joint;
  const auto& programs = allocator.instance().programs;
  const auto first = allocator.choices(a);
  const auto second = allocator.choices(b);
  for (int i = 0; i < static_cast<int>(first.size()); ++i) {
    for (int j = 0; j < static_cast<int>(second.size()); ++j) {
      if (Centre(programs[first[i].program]) == Centre(programs[second[j].program])) {
        joint.emplace_back(i, j);
      }
    }
  }
  std::sort(joint.begin(), joint.end(), [](auto x, auto y) {
    return std::tuple(x.first + x.second, std::max(x.first, x.second), x.first) <
           std::tuple(y.first + y.second, std::max(y.first, y.second), y.first);
  });
  return joint;
}

Tiny MakeTiny(uint64_t seed, int couples) {
  testing::InstanceShape shape = testing::Shape(6, 4, 3, 2);
  shape.birth_dates = false;
  Instance instance = testing::RandomInstance(seed, shape);
  for (size_t p = 0; p < instance.programs.size(); ++p) {
    instance.programs[p].centre = absl::StrCat("K", p / 2);
  }
  for (int c = 0; c < couples; ++c) {
    instance.applications[2 * c].together_with = instance.applications[2 * c + 1].id;
  }
  Tiny tiny{MakeAllocator(std::move(instance)), std::vector<int32_t>(6, -1), {}};
  tiny.joint.resize(6);
  for (int c = 0; c < couples; ++c) {
    tiny.partner[2 * c] = 2 * c + 1;
    tiny.partner[2 * c + 1] = 2 * c;
    tiny.joint[2 * c] = JointWishes(tiny.allocator, 2 * c, 2 * c + 1);
  }
  return tiny;
}

Priority PriorityOf(const Allocator& allocator, uint32_t a, int position) {
  return allocator.PriorityAt(a, allocator.choices(a)[position].points);
}

// Whether `program` takes every child of `newcomers` (with their positions) when
// they join its holders, `leaving` excluded: they must all be among the best
// `capacity` of holders and newcomers.
bool TakesAll(const Allocator& allocator, const std::vector<int>& position, uint32_t program,
              const std::vector<std::pair<uint32_t, int>>& newcomers,
              const std::vector<uint32_t>& leaving) {
  std::vector<std::pair<Priority, bool>> pool;  // priority, newcomer
  for (uint32_t h = 0; h < position.size(); ++h) {
    if (position[h] < 0 || allocator.choices(h)[position[h]].program != program) continue;
    if (std::find(leaving.begin(), leaving.end(), h) != leaving.end()) continue;
    pool.emplace_back(PriorityOf(allocator, h, position[h]), false);
  }
  for (const auto& [a, pos] : newcomers) pool.emplace_back(PriorityOf(allocator, a, pos), true);
  std::sort(pool.begin(), pool.end(),
            [](const auto& x, const auto& y) { return Outranks(x.first, y.first); });
  const size_t capacity = allocator.instance().programs[program].capacity;
  for (size_t i = capacity; i < pool.size(); ++i) {
    if (pool[i].second) return false;
  }
  return true;
}

int JointIndex(const Tiny& tiny, uint32_t a, const std::vector<int>& position) {
  if (position[a] < 0) return -1;
  const auto& joint = tiny.joint[a];
  auto it = std::find(joint.begin(), joint.end(), std::pair(position[a], position[a + 1]));
  return it == joint.end() ? -2 : static_cast<int>(it - joint.begin());
}

// "" when feasible (capacities, pairs together at a joint wish or both out) and, with
// `only_singles`, no single is blocked by a free place or a weaker single; without it
// nothing blocks at all.
std::string Check(const Tiny& tiny, const std::vector<int>& position, bool only_singles) {
  const Allocator& allocator = tiny.allocator;
  const uint32_t n = position.size();
  std::vector<uint32_t> filled(allocator.instance().programs.size(), 0);
  for (uint32_t a = 0; a < n; ++a) {
    if (position[a] >= 0) ++filled[allocator.choices(a)[position[a]].program];
  }
  for (uint32_t p = 0; p < filled.size(); ++p) {
    if (filled[p] > allocator.instance().programs[p].capacity) return "over capacity";
  }
  for (uint32_t a = 0; a < n; ++a) {
    if (tiny.partner[a] < 0 || tiny.partner[a] < static_cast<int32_t>(a)) continue;
    if ((position[a] < 0) != (position[a + 1] < 0)) return absl::StrCat("A", a, " pair split");
    if (JointIndex(tiny, a, position) == -2) return absl::StrCat("A", a, " pair apart");
  }
  for (uint32_t a = 0; a < n; ++a) {
    if (tiny.partner[a] >= 0) continue;
    const auto choices = allocator.choices(a);
    const int end = position[a] < 0 ? static_cast<int>(choices.size()) : position[a];
    for (int k = 0; k < end; ++k) {
      if (only_singles) {
        // Couple members count as if their places were taken for good.
        const uint32_t program = choices[k].program;
        uint32_t couple_places = 0;
        for (uint32_t h = 0; h < n; ++h) {
          if (tiny.partner[h] >= 0 && position[h] >= 0 &&
              allocator.choices(h)[position[h]].program == program) {
            ++couple_places;
          }
        }
        // Fewer places by the couples' ones, then the single must be taken.
        std::vector<std::pair<Priority, bool>> pool;
        for (uint32_t h = 0; h < n; ++h) {
          if (tiny.partner[h] >= 0 || position[h] < 0 ||
              allocator.choices(h)[position[h]].program != program) {
            continue;
          }
          pool.emplace_back(PriorityOf(allocator, h, position[h]), false);
        }
        pool.emplace_back(PriorityOf(allocator, a, k), true);
        std::sort(pool.begin(), pool.end(),
                  [](const auto& x, const auto& y) { return Outranks(x.first, y.first); });
        const int64_t places =
            static_cast<int64_t>(allocator.instance().programs[program].capacity) - couple_places;
        for (int64_t i = 0; i < places && i < static_cast<int64_t>(pool.size()); ++i) {
          if (pool[i].second) return absl::StrCat("single A", a, " blocked at program ", program);
        }
        continue;
      }
      if (TakesAll(allocator, position, choices[k].program, {{a, k}}, {})) {
        return absl::StrCat("single A", a, " blocks at choice ", k);
      }
    }
  }
  if (only_singles) return "";
  for (uint32_t a = 0; a < n; ++a) {
    if (tiny.partner[a] < 0 || tiny.partner[a] < static_cast<int32_t>(a)) continue;
    const int held = JointIndex(tiny, a, position);
    const int end = held < 0 ? static_cast<int>(tiny.joint[a].size()) : held;
    for (int o = 0; o < end; ++o) {
      const auto [i, j] = tiny.joint[a][o];
      const uint32_t pa = allocator.choices(a)[i].program;
      const uint32_t pb = allocator.choices(a + 1)[j].program;
      const std::vector<uint32_t> leaving = {a, a + 1};
      const bool takes = pa == pb ? TakesAll(allocator, position, pa, {{a, i}, {a + 1, j}}, leaving)
                                  : TakesAll(allocator, position, pa, {{a, i}}, leaving) &&
                                        TakesAll(allocator, position, pb, {{a + 1, j}}, leaving);
      if (takes) return absl::StrCat("pair A", a, " blocks at joint wish ", o);
    }
  }
  return "";
}

// Whether any matching of the tiny instance is stable (enumerating all of them).
bool StableMatchingExists(const Tiny& tiny) {
  const uint32_t n = tiny.partner.size();
  std::vector<int> position(n, -1);
  bool found = false;
  std::function<void(uint32_t)> visit = [&](uint32_t a) {
    if (found) return;
    if (a == n) {
      found = Check(tiny, position, false).empty();
      return;
    }
    if (tiny.partner[a] >= 0) {  // a pair: its first member decides both
      visit(a + 2);
      for (const auto& [i, j] : tiny.joint[a]) {
        position[a] = i;
        position[a + 1] = j;
        visit(a + 2);
      }
      position[a] = position[a + 1] = -1;
      return;
    }
    for (int c = -1; c < static_cast<int>(tiny.allocator.choices(a).size()); ++c) {
      position[a] = c;
      visit(a + 1);
    }
    position[a] = -1;
  };
  visit(0);
  return found;
}

std::vector<int> Positions(const RoundResult& result) {
  std::vector<int> position;
  for (const Placement& placement : result.placements) {
    position.push_back(placement.program < 0 ? -1 : placement.choice_rank - 1);
  }
  return position;
}

TEST(CouplesPropertyTest, TogetherOrNotAtAllSinglesNeverBlockedStableWhenItSaysSo) {
  int stable_exists = 0;
  int found_stable = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    const int couples = 1 + seed % 2;
    const Tiny tiny = MakeTiny(seed, couples);
    const RoundResult result = tiny.allocator.Run();
    const std::vector<int> position = Positions(result);
    ASSERT_EQ(Check(tiny, position, true), "") << "seed " << seed;
    if (result.stable) {
      ASSERT_EQ(Check(tiny, position, false), "") << "seed " << seed << " claims stability";
    }
    // Deterministic.
    ASSERT_EQ(Positions(tiny.allocator.Run()), position) << "seed " << seed;
    if (StableMatchingExists(tiny)) {
      ++stable_exists;
      if (result.stable) ++found_stable;
    } else {
      ASSERT_FALSE(result.stable) << "seed " << seed;
    }
  }
  // Measured with these seeds: a stable matching exists in most instances and the
  // procedure finds one in nearly all of them (the README gives the figures).
  EXPECT_GT(stable_exists, 300);
  EXPECT_GE(found_stable * 100, stable_exists * 95) << found_stable << " of " << stable_exists;
  std::printf("stable matching exists in %d of 400 instances, found in %d\n", stable_exists,
              found_stable);
}

TEST(CouplesPropertyTest, WithoutPairsTheResultIsUnchanged) {
  for (uint64_t seed = 500; seed < 560; ++seed) {
    const Tiny with = MakeTiny(seed, 0);
    const RoundResult result = with.allocator.Run();
    EXPECT_TRUE(result.couples.empty());
    EXPECT_TRUE(result.stable);
    EXPECT_EQ(Check(with, Positions(result), false), "") << "seed " << seed;
  }
}

TEST(CouplesPropertyTest, LargerInstancesKeepPairsTogetherAndSinglesUnblocked) {
  for (uint64_t seed = 7000; seed < 7040; ++seed) {
    testing::InstanceShape shape = testing::Shape(150, 16, 5, 8);
    shape.birth_dates = false;
    Instance instance = testing::RandomInstance(seed, shape);
    for (size_t p = 0; p < instance.programs.size(); ++p) {
      instance.programs[p].centre = absl::StrCat("K", p / 2);
    }
    for (uint32_t a = 0; a + 1 < 30; a += 2) {
      instance.applications[a].together_with = instance.applications[a + 1].id;
    }
    Allocator allocator = MakeAllocator(instance);
    const RoundResult result = allocator.Run();
    for (const CoupleOutcome& couple : result.couples) {
      const int32_t first = result.placements[couple.first].program;
      const int32_t second = result.placements[couple.second].program;
      ASSERT_EQ(first < 0, second < 0) << "seed " << seed;
      if (first >= 0) {
        EXPECT_EQ(instance.programs[first].centre, instance.programs[second].centre);
      }
    }
    std::vector<uint32_t> filled(instance.programs.size(), 0);
    for (const Placement& placement : result.placements) {
      if (placement.program >= 0) ++filled[placement.program];
    }
    for (size_t p = 0; p < filled.size(); ++p) {
      EXPECT_LE(filled[p], instance.programs[p].capacity);
    }
    EXPECT_EQ(ResultToJson(allocator, result, true),
              ResultToJson(allocator, allocator.Run(), true));
  }
}

}  // namespace
}  // namespace stadt::daycare
