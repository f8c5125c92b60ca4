#include "gateway/transcode/json_render.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "boost/json.hpp"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "stadt/appointments/v1/appointments.pb.h"
#include "stadt/audit/v1/audit.pb.h"
#include "stadt/daycare/v1/daycare.pb.h"
#include "stadt/monitoring/v1/monitoring.pb.h"
#include "stadt/notifications/v1/notifications.pb.h"
#include "stadt/parking/v1/parking.pb.h"
#include "stadt/testing/v1/openapi_test.pb.h"
#include "stadt/testing/v1/routes_test.pb.h"
#include "stadt/video/v1/video.pb.h"

namespace stadt::gateway {
namespace {

namespace pb = google::protobuf;
using Field = pb::FieldDescriptor;

std::string LibraryJson(const pb::Message& message, bool* ok) {
  pb::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  *ok = pb::util::MessageToJsonString(message, &json, options).ok();
  return json;
}

// Equal as JSON values (member order does not matter), and numbers written
// the same way.
bool SameJson(const boost::json::value& a, const boost::json::value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const boost::json::object& left = a.get_object();
    const boost::json::object& right = b.get_object();
    if (left.size() != right.size()) return false;
    for (const auto& [key, value] : left) {
      const boost::json::value* other = right.if_contains(key);
      if (other == nullptr || !SameJson(value, *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const boost::json::array& left = a.get_array();
    const boost::json::array& right = b.get_array();
    if (left.size() != right.size()) return false;
    for (size_t i = 0; i < left.size(); ++i) {
      if (!SameJson(left[i], right[i])) return false;
    }
    return true;
  }
  if (a.is_double()) {
    // Boost.JSON 1.81 parses doubles fast but not always correctly rounded:
    // the same text can come out one unit in the last place apart, depending
    // on where it sits in the input. Both renderings are compared as numbers
    // within that error.
    const double x = a.get_double();
    const double y = b.get_double();
    return x == y || std::abs(x - y) <= 4 * std::numeric_limits<double>::epsilon() *
                                            std::max(std::abs(x), std::abs(y));
  }
  return a == b;
}

// Fills messages of any type with values chosen to hit the corners of the
// JSON mapping: extremes, special doubles, escapes, unknown enum numbers,
// out-of-range timestamps.
class RandomFiller {
 public:
  explicit RandomFiller(uint32_t seed) : random_(seed) {}

  void Fill(pb::Message* message, int depth) {
    const pb::Descriptor* type = message->GetDescriptor();
    const pb::Reflection* r = message->GetReflection();
    if (type->well_known_type() == pb::Descriptor::WELLKNOWNTYPE_TIMESTAMP ||
        type->well_known_type() == pb::Descriptor::WELLKNOWNTYPE_DURATION) {
      FillSecondsNanos(message, type->well_known_type());
      return;
    }
    for (int i = 0; i < type->field_count(); ++i) {
      const Field* field = type->field(i);
      if (Chance(30)) continue;
      if (field->cpp_type() == Field::CPPTYPE_MESSAGE && depth >= 3) continue;
      if (field->is_repeated()) {
        const int count = Pick(4);
        for (int n = 0; n < count; ++n) AddValue(message, field, depth);
      } else if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
        Fill(r->MutableMessage(message, field), depth + 1);
      } else {
        SetValue(message, field);
      }
    }
  }

 private:
  bool Chance(int percent) { return Pick(100) < percent; }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  template <typename Int>
  Int AnInt() {
    switch (Pick(5)) {
      case 0:
        return 0;
      case 1:
        return std::numeric_limits<Int>::max();
      case 2:
        return std::numeric_limits<Int>::min();
      case 3:
        return static_cast<Int>(Pick(1000));
      default:
        return static_cast<Int>(random_());
    }
  }

  double ADouble() {
    static const double kValues[] = {0.0,
                                     -0.0,
                                     0.1,
                                     1e21,
                                     1e-7,
                                     -123.456,
                                     52.520008,
                                     std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::denorm_min(),
                                     std::numeric_limits<double>::quiet_NaN(),
                                     std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity()};
    if (Chance(30)) return std::uniform_real_distribution<double>(-1e6, 1e6)(random_);
    return kValues[Pick(std::size(kValues))];
  }

  std::string AString() {
    static const char* kValues[] = {"",
                                    "Mitte",
                                    "a \"quoted\" \\ back",
                                    "<script>&amp;</script>",
                                    "line\nbreak\ttab\r\b\f",
                                    "\x01\x1f\x7f",
                                    "Straße é 😀",
                                    "sep \u2028 \u2029 end",
                                    "/slash'single"};
    return kValues[Pick(std::size(kValues))];
  }

  std::string SomeBytes() {
    std::string bytes(Pick(8), '\0');
    for (char& c : bytes) c = static_cast<char>(random_());
    return bytes;
  }

  int AnEnum(const Field* field) {
    const pb::EnumDescriptor* type = field->enum_type();
    if (Chance(15)) return 1000 + Pick(10);  // a number this build does not know
    return type->value(Pick(type->value_count()))->number();
  }

  void FillSecondsNanos(pb::Message* message, pb::Descriptor::WellKnownType kind) {
    const pb::Descriptor* type = message->GetDescriptor();
    const pb::Reflection* r = message->GetReflection();
    int64_t seconds = std::uniform_int_distribution<int64_t>(0, 4'000'000'000)(random_);
    int32_t nanos = 0;
    switch (Pick(4)) {
      case 0:
        nanos = Pick(1000) * 1'000'000;
        break;
      case 1:
        nanos = Pick(1'000'000) * 1000;
        break;
      case 2:
        nanos = Pick(1'000'000'000);
        break;
      default:
        break;
    }
    if (kind == pb::Descriptor::WELLKNOWNTYPE_DURATION && Chance(30)) {
      seconds = -seconds;
      nanos = -nanos;
    }
    if (Chance(5))
      seconds = kind == pb::Descriptor::WELLKNOWNTYPE_TIMESTAMP ? 253402300800 : -315576000001;
    if (Chance(3)) nanos = 1'000'000'000;
    r->SetInt64(message, type->FindFieldByNumber(1), seconds);
    r->SetInt32(message, type->FindFieldByNumber(2), nanos);
  }

  void SetValue(pb::Message* message, const Field* field) {
    const pb::Reflection* r = message->GetReflection();
    switch (field->cpp_type()) {
      case Field::CPPTYPE_INT32:
        r->SetInt32(message, field, AnInt<int32_t>());
        break;
      case Field::CPPTYPE_INT64:
        r->SetInt64(message, field, AnInt<int64_t>());
        break;
      case Field::CPPTYPE_UINT32:
        r->SetUInt32(message, field, AnInt<uint32_t>());
        break;
      case Field::CPPTYPE_UINT64:
        r->SetUInt64(message, field, AnInt<uint64_t>());
        break;
      case Field::CPPTYPE_DOUBLE:
        r->SetDouble(message, field, ADouble());
        break;
      case Field::CPPTYPE_FLOAT:
        r->SetFloat(message, field, static_cast<float>(ADouble()));
        break;
      case Field::CPPTYPE_BOOL:
        r->SetBool(message, field, Chance(50));
        break;
      case Field::CPPTYPE_ENUM:
        r->SetEnumValue(message, field, AnEnum(field));
        break;
      case Field::CPPTYPE_STRING:
        r->SetString(message, field, field->type() == Field::TYPE_BYTES ? SomeBytes() : AString());
        break;
      case Field::CPPTYPE_MESSAGE:
        break;
    }
  }

  void AddValue(pb::Message* message, const Field* field, int depth) {
    const pb::Reflection* r = message->GetReflection();
    switch (field->cpp_type()) {
      case Field::CPPTYPE_INT32:
        r->AddInt32(message, field, AnInt<int32_t>());
        break;
      case Field::CPPTYPE_INT64:
        r->AddInt64(message, field, AnInt<int64_t>());
        break;
      case Field::CPPTYPE_UINT32:
        r->AddUInt32(message, field, AnInt<uint32_t>());
        break;
      case Field::CPPTYPE_UINT64:
        r->AddUInt64(message, field, AnInt<uint64_t>());
        break;
      case Field::CPPTYPE_DOUBLE:
        r->AddDouble(message, field, ADouble());
        break;
      case Field::CPPTYPE_FLOAT:
        r->AddFloat(message, field, static_cast<float>(ADouble()));
        break;
      case Field::CPPTYPE_BOOL:
        r->AddBool(message, field, Chance(50));
        break;
      case Field::CPPTYPE_ENUM:
        r->AddEnumValue(message, field, AnEnum(field));
        break;
      case Field::CPPTYPE_STRING:
        r->AddString(message, field, field->type() == Field::TYPE_BYTES ? SomeBytes() : AString());
        break;
      case Field::CPPTYPE_MESSAGE:
        Fill(r->AddMessage(message, field), depth + 1);
        break;
    }
  }

  std::mt19937 random_;
};

void CollectTypes(const pb::Descriptor* type, std::vector<const pb::Descriptor*>* types) {
  if (type->options().map_entry()) return;
  types->push_back(type);
  for (int i = 0; i < type->nested_type_count(); ++i) CollectTypes(type->nested_type(i), types);
}

// Every message of every API (and of the gateway's test APIs), so a field
// added later is covered without touching this test.
std::vector<const pb::Descriptor*> AllApiTypes() {
  const pb::FileDescriptor* files[] = {
      stadt::appointments::v1::Office::descriptor()->file(),
      stadt::daycare::v1::Program::descriptor()->file(),
      stadt::video::v1::Topic::descriptor()->file(),
      stadt::parking::v1::Zone::descriptor()->file(),
      stadt::monitoring::v1::Kpi::descriptor()->file(),
      stadt::notifications::v1::DeadLetter::descriptor()->file(),
      stadt::audit::v1::Entry::descriptor()->file(),
      stadt::testing::v1::Kitchen::descriptor()->file(),
      stadt::testing::v1::Book::descriptor()->file(),
  };
  std::vector<const pb::Descriptor*> types;
  for (const pb::FileDescriptor* file : files) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      CollectTypes(file->message_type(i), &types);
    }
  }
  return types;
}

TEST(JsonRenderTest, MatchesProtobufsPrinterOnEveryApiMessage) {
  RandomFiller filler(20261205);
  int compared = 0;
  int refused = 0;
  for (const pb::Descriptor* type : AllApiTypes()) {
    const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(type);
    ASSERT_NE(prototype, nullptr) << type->full_name();
    for (int round = 0; round < 40; ++round) {
      std::unique_ptr<pb::Message> message(prototype->New());
      if (round > 0) filler.Fill(message.get(), 0);
      bool library_ok = false;
      const std::string expected = LibraryJson(*message, &library_ok);
      std::string rendered;
      const absl::Status status = AppendJson(*message, &rendered);
      if (!library_ok) {
        EXPECT_FALSE(status.ok()) << type->full_name() << ": " << rendered;
        ++refused;
        continue;
      }
      ASSERT_TRUE(status.ok()) << type->full_name() << ": " << status << "\n" << expected;
      boost::system::error_code error;
      const boost::json::value ours = boost::json::parse(rendered, error);
      ASSERT_FALSE(error) << type->full_name() << ": not JSON: " << rendered;
      const boost::json::value theirs = boost::json::parse(expected);
      EXPECT_TRUE(SameJson(ours, theirs))
          << type->full_name() << "\nours:     " << rendered << "\nprotobuf: " << expected;
      ++compared;
    }
  }
  EXPECT_GT(compared, 5000);
  EXPECT_GT(refused, 10) << "out-of-range timestamps and durations must have been tried";
}

TEST(JsonRenderTest, PrintsTheJsonFormsOfTheWellKnownTypes) {
  stadt::testing::v1::Kitchen kitchen;
  kitchen.mutable_opened_at()->set_seconds(1764936000);  // 2025-12-05T12:00:00Z
  kitchen.mutable_opened_at()->set_nanos(120'000'000);
  kitchen.mutable_cook_time()->set_seconds(-1);
  kitchen.mutable_cook_time()->set_nanos(-500'000'000);
  kitchen.mutable_optional_count()->set_value(5);
  kitchen.set_big_count(-7);
  kitchen.set_blob("\xff\x01");
  kitchen.set_rating(std::numeric_limits<double>::infinity());
  kitchen.set_colour(static_cast<stadt::testing::v1::Colour>(42));
  (*kitchen.mutable_stock())["flour"] = 3;
  std::string json;
  ASSERT_TRUE(AppendJson(kitchen, &json).ok());
  const boost::json::object object = boost::json::parse(json).as_object();
  EXPECT_EQ(object.at("openedAt"), "2025-12-05T12:00:00.120Z");
  EXPECT_EQ(object.at("cookTime"), "-1.500s");
  EXPECT_EQ(object.at("optionalCount"), "5");
  EXPECT_EQ(object.at("bigCount"), "-7");
  EXPECT_EQ(object.at("blob"), "/wE=");
  EXPECT_EQ(object.at("rating"), "Infinity");
  EXPECT_EQ(object.at("colour"), 42);
  EXPECT_EQ(object.at("stock").at("flour"), 3);
  EXPECT_EQ(object.at("kitchenId"), "");  // no presence: printed with its default
  EXPECT_FALSE(object.contains("tree"));  // unset message: left out
}

// The text of a top-level number member, as written.
std::string NumberText(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const size_t start = json.find(key);
  if (start == std::string::npos) return "(missing)";
  const size_t from = start + key.size();
  return json.substr(from, json.find_first_of(",}", from) - from);
}

TEST(JsonRenderTest, WritesNumbersAsProtobufDoes) {
  stadt::testing::v1::Kitchen kitchen;
  for (double rating : {100000.0, 1e21, 0.1, 1.0 / 3, 52.520008, -0.0, 5e-324, 123456789.125}) {
    kitchen.set_rating(rating);
    bool ok = false;
    const std::string expected = LibraryJson(kitchen, &ok);
    ASSERT_TRUE(ok);
    std::string json;
    ASSERT_TRUE(AppendJson(kitchen, &json).ok());
    EXPECT_EQ(NumberText(json, "rating"), NumberText(expected, "rating"));
  }
}

TEST(JsonRenderTest, EscapesWhatCouldBreakOutOfJsonOrHtml) {
  stadt::testing::v1::Kitchen kitchen;
  kitchen.set_kitchen_id("\"</script>\\\n\x01\u2028");
  std::string json;
  ASSERT_TRUE(AppendJson(kitchen, &json).ok());
  EXPECT_NE(json.find(R"("kitchenId":"\"\u003c/script\u003e\\\n\u0001\u2028")"), std::string::npos)
      << json;
}

TEST(JsonRenderTest, LeavesTypesItDoesNotKnowToTheCaller) {
  pb::Struct data;
  (*data.mutable_fields())["a"].set_number_value(1);
  std::string json;
  EXPECT_EQ(AppendJson(data, &json).code(), absl::StatusCode::kUnimplemented);
}

TEST(JsonRenderTest, RefusesATimestampJsonCannotCarry) {
  pb::Timestamp after_year_9999;
  after_year_9999.set_seconds(253402300800);
  std::string json;
  EXPECT_EQ(AppendJson(after_year_9999, &json).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stadt::gateway
