#include "services/daycare/domain/instance_stream.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "boost/json/basic_parser_impl.hpp"
#include "boost/json/value_stack.hpp"
#include "services/common/strings.h"
#include "services/daycare/domain/instance_json.h"

namespace stadt::daycare {
namespace {

namespace json = boost::json;
using ErrorCode = boost::system::error_code;

constexpr int64_t kMaxPoints = int64_t{1} << 40;  // as instance_json.cc

// The members of an application the engine reads; everything else is skipped.
enum class Member : uint8_t {
  kId,
  kChoices,
  kPoints,
  kBirthDate,
  kStartMonth,
  kCareScope,
  kDistrict,
  kCriteria,
  kCentreCriteria,
  kTogetherWith,
  kUnknown,
};

Member MemberOf(std::string_view key) {
  static constexpr std::pair<std::string_view, Member> kMembers[] = {
      {"id", Member::kId},
      {"choices", Member::kChoices},
      {"points", Member::kPoints},
      {"birth_date", Member::kBirthDate},
      {"start_month", Member::kStartMonth},
      {"care_scope", Member::kCareScope},
      {"district", Member::kDistrict},
      {"criteria", Member::kCriteria},
      {"centre_criteria", Member::kCentreCriteria},
      {"together_with", Member::kTogetherWith},
  };
  for (const auto& [name, member] : kMembers) {
    if (key == name) return member;
  }
  return Member::kUnknown;
}

// SAX handler for boost::json::basic_parser. Outside the applications array every
// event goes to a value_stack (what boost::json::parse does); inside it the events
// fill Application values directly. Any surprise ends the parse with `ok_` false.
class InstanceHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  explicit InstanceHandler(const json::storage_ptr& storage) : stack_(storage) {
    stack_.reset(storage);
  }

  // Wishes as program indices (Application::resolved) when the programs come first.
  void ResolveWishes() { resolve_wishes_ = true; }

  bool on_document_begin(ErrorCode&) { return true; }
  bool on_document_end(ErrorCode&) { return true; }
  bool on_comment_part(json::string_view, ErrorCode&) { return true; }
  bool on_comment(json::string_view, ErrorCode&) { return true; }
  bool on_number_part(json::string_view, ErrorCode&) { return true; }

  bool on_object_begin(ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) return Refuse(ec);
      if (in_programs_ && depth_ == 2) BeginProgram();
      ++depth_;
      return true;
    }
    if (skip_ > 0) return Nest();
    switch (level_) {
      case 0:
        applications_.emplace_back();
        seen_ = 0;
        level_ = 1;
        return true;
      case 1:
        if (member_ == Member::kUnknown) return Nest();
        if (member_ == Member::kPoints) {
          if (resolving_) {
            applications_.back().resolved_points = true;
            resolved_points_.clear();
          } else {
            applications_.back().points.emplace().reserve(10);  // as many as wishes, usually
          }
        } else if (member_ != Member::kCentreCriteria) {
          return Refuse(ec);
        }
        level_ = 2;
        return true;
      default:
        return Refuse(ec);
    }
  }

  bool on_object_end(std::size_t n, ErrorCode& ec) {
    if (!in_applications_) {
      --depth_;
      stack_.push_object(n);
      return true;
    }
    if (skip_ > 0) return Unnest();
    if (level_ == 2) {
      // A program named twice in the points: the document parser's rule decides.
      if (member_ == Member::kPoints &&
          !(resolving_ ? ResolvedPointsUnique() : applications_.back().points->SortUnique())) {
        return Refuse(ec);
      }
      level_ = 1;
      return true;
    }
    if (level_ != 1) return Refuse(ec);
    // Required: a non-empty id and the choices.
    if (applications_.back().id.empty() || (seen_ & Bit(Member::kChoices)) == 0) {
      return Refuse(ec);
    }
    if (resolving_ && !JoinResolvedPoints(applications_.back())) return Refuse(ec);
    level_ = 0;
    return true;
  }

  bool on_array_begin(ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) {
        awaiting_applications_ = false;
        in_applications_ = true;
        resolving_ = resolve_wishes_ && programs_read_ && programs_resolvable_;
        level_ = 0;
        return true;
      }
      if (awaiting_programs_ && depth_ == 1) {
        awaiting_programs_ = false;
        in_programs_ = true;
      }
      ++depth_;
      return true;
    }
    if (skip_ > 0) return Nest();
    if (level_ == 1) {
      if (member_ == Member::kUnknown) return Nest();
      if (member_ != Member::kChoices && member_ != Member::kCriteria) return Refuse(ec);
      // Room for the default policy's 10 wishes at once instead of growing 1, 2, 4, 8, 16.
      if (member_ == Member::kChoices) {
        if (resolving_) {
          applications_.back().resolved.emplace().reserve(10);
        } else {
          applications_.back().choices.reserve(10);
        }
      }
      level_ = 2;
      return true;
    }
    if (level_ == 2 && member_ == Member::kCentreCriteria) {
      level_ = 3;
      return true;
    }
    return Refuse(ec);
  }

  bool on_array_end(std::size_t n, ErrorCode& ec) {
    if (!in_applications_) {
      --depth_;
      if (in_programs_ && depth_ == 1) EndPrograms(n);
      stack_.push_array(n);
      return true;
    }
    if (skip_ > 0) return Unnest();
    switch (level_) {
      case 0:  // the end of the applications: an empty array stands in for them
        in_applications_ = false;
        stack_.push_array(0);
        return true;
      case 2:
        level_ = 1;
        return true;
      case 3:
        level_ = 2;
        return true;
      default:
        return Refuse(ec);
    }
  }

  bool on_key_part(json::string_view s, std::size_t, ErrorCode&) {
    if (!in_applications_) {
      stack_.push_chars(s);
      if (depth_ == 1 || InProgram()) root_key_.append(s.data(), s.size());
    } else if (skip_ == 0) {
      pieces_.append(s.data(), s.size());
    }
    return true;
  }

  bool on_key(json::string_view s, std::size_t, ErrorCode& ec) {
    if (!in_applications_) {
      if (depth_ == 1) {
        root_key_.append(s.data(), s.size());
        if (root_key_ == "applications") {
          if (saw_applications_) return Refuse(ec);  // a repeated member
          saw_applications_ = true;
          awaiting_applications_ = true;
        }
        if (root_key_ == "programs") {
          // A second list of programs: which one counts is the document parser's rule.
          if (awaiting_programs_ || programs_read_) programs_resolvable_ = false;
          awaiting_programs_ = true;
        } else {
          awaiting_programs_ = false;
        }
        root_key_.clear();
      } else if (InProgram()) {
        root_key_.append(s.data(), s.size());
        program_key_is_id_ = root_key_ == "id";
        root_key_.clear();
      }
      stack_.push_key(s);
      return true;
    }
    if (skip_ > 0) return true;
    const std::string_view key = Whole(s);
    if (level_ == 1) {
      member_ = MemberOf(key);
      if (member_ != Member::kUnknown) {
        if ((seen_ & Bit(member_)) != 0) return Refuse(ec);  // a repeated member
        seen_ |= Bit(member_);
      }
      return true;
    }
    if (level_ == 2 && member_ == Member::kPoints) {
      if (resolving_) {
        auto found = program_index_.find(ToAbsl(key));
        if (found == program_index_.end()) return Refuse(ec);  // the document parser decides
        point_program_ = found->second;
        return true;
      }
      point_key_.assign(key);  // appended with its value
      return true;
    }
    if (level_ == 2 && member_ == Member::kCentreCriteria) {
      auto [where, inserted] = applications_.back().centre_criteria.try_emplace(std::string(key));
      if (!inserted) return Refuse(ec);
      centre_ = &where->second;
      return true;
    }
    return Refuse(ec);
  }

  bool on_string_part(json::string_view s, std::size_t, ErrorCode&) {
    if (!in_applications_) {
      stack_.push_chars(s);
      if (InProgram() && program_key_is_id_) root_key_.append(s.data(), s.size());
    } else if (skip_ == 0) {
      pieces_.append(s.data(), s.size());
    }
    return true;
  }

  bool on_string(json::string_view s, std::size_t, ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) return Refuse(ec);
      if (InProgram() && program_key_is_id_) {
        root_key_.append(s.data(), s.size());
        AddProgramId(root_key_);
        root_key_.clear();
      }
      stack_.push_string(s);
      return true;
    }
    if (skip_ > 0) return true;
    // A string straight in the applications array is no application.
    if (level_ == 0) return Refuse(ec);
    const std::string_view text = Whole(s);
    Application& application = applications_.back();
    if (level_ == 3) {
      centre_->emplace_back(text);
      return true;
    }
    if (level_ == 2) {
      if (member_ == Member::kChoices && resolving_) {
        auto found = program_index_.find(ToAbsl(text));
        if (found == program_index_.end()) return Refuse(ec);  // Create names it
        application.resolved->push_back(ResolvedWish{found->second, 0});
      } else if (member_ == Member::kChoices) {
        application.choices.emplace_back(text);
      } else if (member_ == Member::kCriteria) {
        application.criteria.emplace_back(text);
      } else {
        return Refuse(ec);
      }
      return true;
    }
    if (level_ != 1) return Refuse(ec);
    switch (member_) {
      case Member::kId:
        application.id = text;
        return true;
      case Member::kCareScope:
        application.care_scope = text;
        return true;
      case Member::kDistrict:
        application.district = text;
        return true;
      case Member::kTogetherWith:
        application.together_with = text;
        return true;
      case Member::kBirthDate: {
        absl::StatusOr<Date> date = ParseDate(text, "");
        if (!date.ok()) return Refuse(ec);
        application.birth_date = *date;
        return true;
      }
      case Member::kStartMonth: {
        absl::StatusOr<Month> month = ParseMonth(text, "");
        if (!month.ok()) return Refuse(ec);
        application.desired_start = *month;
        return true;
      }
      case Member::kUnknown:
        return true;
      default:
        return Refuse(ec);
    }
  }

  bool on_int64(int64_t value, json::string_view, ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) return Refuse(ec);
      stack_.push_int64(value);
      return true;
    }
    if (skip_ > 0) return true;
    if (level_ == 2 && member_ == Member::kPoints && value >= -kMaxPoints && value <= kMaxPoints) {
      if (resolving_) {
        resolved_points_.push_back(ResolvedWish{point_program_, value});
      } else {
        applications_.back().points->Append(point_key_, value);
      }
      return true;
    }
    return ScalarElsewhere(ec);
  }

  bool on_uint64(uint64_t value, json::string_view, ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) return Refuse(ec);
      stack_.push_uint64(value);
      return true;
    }
    if (skip_ > 0) return true;
    return ScalarElsewhere(ec);
  }

  bool on_double(double value, json::string_view, ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) return Refuse(ec);
      stack_.push_double(value);
      return true;
    }
    if (skip_ > 0) return true;
    return ScalarElsewhere(ec);
  }

  bool on_bool(bool value, ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) return Refuse(ec);
      stack_.push_bool(value);
      return true;
    }
    if (skip_ > 0) return true;
    return ScalarElsewhere(ec);
  }

  bool on_null(ErrorCode& ec) {
    if (!in_applications_) {
      if (awaiting_applications_) return Refuse(ec);
      stack_.push_null();
      return true;
    }
    if (skip_ > 0) return true;
    // null stands for "absent" where the member is optional; the id and the
    // choices are required, and null inside a list or the points is an error.
    if (level_ != 1 || member_ == Member::kId || member_ == Member::kChoices) return Refuse(ec);
    return true;
  }

  bool saw_applications() const { return saw_applications_; }
  json::value Release() { return stack_.release(); }
  std::vector<Application>& applications() { return applications_; }

 private:
  static uint32_t Bit(Member member) { return uint32_t{1} << static_cast<uint32_t>(member); }

  // Inside one program object of the root's "programs" list (its members' level).
  bool InProgram() const { return in_programs_ && depth_ == 3; }

  void BeginProgram() {
    ++programs_begun_;
    program_has_id_ = false;
    program_key_is_id_ = false;
  }

  // The id of the program begun last; a program without a string id, with two, or
  // an id used twice leaves the wishes as strings (the document parser reports it).
  void AddProgramId(const std::string& id) {
    program_key_is_id_ = false;
    if (program_has_id_ || !program_index_.emplace(id, programs_begun_ - 1).second) {
      programs_resolvable_ = false;
    }
    program_has_id_ = true;
  }

  void EndPrograms(std::size_t elements) {
    in_programs_ = false;
    programs_read_ = true;
    // Something other than an object in the list shifts the indices: no resolving.
    if (elements != programs_begun_ || program_index_.size() != programs_begun_) {
      programs_resolvable_ = false;
    }
  }

  bool ResolvedPointsUnique() const {
    for (size_t i = 0; i < resolved_points_.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (resolved_points_[i].program == resolved_points_[j].program) return false;
      }
    }
    return true;
  }

  // Each wish takes its ready-made points; false (to the document parser, which
  // lets Create name the field) when a wished program has none.
  bool JoinResolvedPoints(Application& application) {
    if (!application.resolved_points) return true;
    for (ResolvedWish& wish : *application.resolved) {
      auto given = std::find_if(resolved_points_.begin(), resolved_points_.end(),
                                [&](const ResolvedWish& p) { return p.program == wish.program; });
      if (given == resolved_points_.end()) return false;
      wish.points = given->points;
    }
    return true;
  }

  // The key or string whole, whether it came in one piece or several.
  std::string_view Whole(json::string_view last) {
    if (pieces_.empty()) return std::string_view(last.data(), last.size());
    pieces_.append(last.data(), last.size());
    whole_.swap(pieces_);
    pieces_.clear();
    return whole_;
  }

  // A number, boolean or (elsewhere) null: fine only as an unknown member's value.
  bool ScalarElsewhere(ErrorCode& ec) {
    if (level_ == 1 && member_ == Member::kUnknown) return true;
    return Refuse(ec);
  }

  bool Nest() {
    ++skip_;
    return true;
  }
  bool Unnest() {
    --skip_;
    return true;
  }

  static bool Refuse(ErrorCode& ec) {
    ec = json::error::syntax;  // any error ends the parse; the caller falls back
    return false;
  }

  json::value_stack stack_;
  int depth_ = 0;  // containers open outside the applications (the root object is 1)
  bool saw_applications_ = false;
  bool awaiting_applications_ = false;  // the root's "applications" key was just read
  bool in_applications_ = false;
  int level_ = 0;      // 0: the array, 1: an application, 2: a member's value, 3: a centre's list
  uint32_t skip_ = 0;  // depth inside an unknown member's value
  Member member_ = Member::kUnknown;
  uint32_t seen_ = 0;      // members of the current application, as bits
  std::string point_key_;  // the program of the point being read
  std::vector<std::string>* centre_ = nullptr;
  std::string root_key_;  // a key of the root object or a program's id, as its parts arrive
  // Program ids -> their index, read from the "programs" list when it comes
  // before the applications, to resolve the wishes (Application::resolved).
  bool resolve_wishes_ = false;
  bool awaiting_programs_ = false;  // the root's "programs" key was just read
  bool in_programs_ = false;
  bool programs_read_ = false;
  bool programs_resolvable_ = true;
  bool resolving_ = false;  // inside the applications, wishes as indices
  bool program_has_id_ = false;
  bool program_key_is_id_ = false;
  size_t programs_begun_ = 0;
  absl::flat_hash_map<std::string, uint32_t> program_index_;
  uint32_t point_program_ = 0;                 // the program of the point being read
  std::vector<ResolvedWish> resolved_points_;  // the current application's points
  std::string pieces_;                         // a key or string that arrives in parts
  std::string whole_;
  std::vector<Application> applications_;
};

}  // namespace

std::optional<StreamedInstance> StreamInstance(std::string_view json_text,
                                               const json::storage_ptr& storage,
                                               bool resolve_wishes) {
  json::basic_parser<InstanceHandler> parser(json::parse_options{}, storage);
  if (resolve_wishes) parser.handler().ResolveWishes();
  // An application takes a few hundred bytes of JSON; reserving for the most
  // there can be spares the copies of a growing vector of 100,000 (untouched
  // reserved pages cost no memory).
  parser.handler().applications().reserve(json_text.size() / 128);
  ErrorCode error;
  const size_t used = parser.write_some(false, json_text.data(), json_text.size(), error);
  if (error || used != json_text.size() || !parser.done() || !parser.handler().saw_applications()) {
    return std::nullopt;
  }
  StreamedInstance streamed;
  streamed.rest = parser.handler().Release();
  streamed.applications = std::move(parser.handler().applications());
  return streamed;
}

}  // namespace stadt::daycare
