#include "gateway/transcode/transcoder.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stadt/testing/v1/routes_test.pb.h"

namespace stadt::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TranscoderTest : public ::testing::Test {
 protected:
  RouteMatch MatchOf(std::string_view method, const std::vector<std::string>& segments) {
    MatchResult result = table_.Match(method, segments);
    EXPECT_EQ(result.kind, MatchResult::Kind::kMatched);
    return result.match;
  }
  RouteTable table_ =
      RouteTable::Build({testing::v1::Book::descriptor()->file()->FindServiceByName("Library")})
          .value();
};

TEST_F(TranscoderTest, BindsPathQueryAndTypes) {
  testing::v1::ListBooksRequest request;
  QueryParams query = {{"page_size", "20"},   {"includeArchived", "true"}, {"tags", "a"},
                       {"tags", "b"},         {"filter.author", "Kafka"},  {"genre", "GENRE_NOVEL"},
                       {"min_rating", "3.5"}, {"max_results", "7"}};
  ASSERT_TRUE(
      BindRequest(MatchOf("GET", {"v1", "shelves", "s 1", "books"}), query, "", &request).ok());
  EXPECT_EQ(request.shelf_id(), "s 1");
  EXPECT_EQ(request.page_size(), 20);
  EXPECT_TRUE(request.include_archived());
  EXPECT_THAT(request.tags(), ElementsAre("a", "b"));
  EXPECT_EQ(request.filter().author(), "Kafka");
  EXPECT_EQ(request.genre(), testing::v1::GENRE_NOVEL);
  EXPECT_DOUBLE_EQ(request.min_rating(), 3.5);
  EXPECT_EQ(request.max_results(), 7u);
}

TEST_F(TranscoderTest, RejectsBadQueryValues) {
  const QueryParams kBad[] = {{{"page_size", "twenty"}},
                              {{"page_size", "99999999999"}},
                              {{"include_archived", "maybe"}},
                              {{"genre", "GENRE_POEM"}},
                              {{"min_rating", "nan"}},
                              {{"max_results", "-1"}},
                              {{"no_such_field", "1"}},
                              {{"filter", "x"}},
                              {{"page_size", "1"}, {"page_size", "2"}}};
  for (const QueryParams& query : kBad) {
    testing::v1::ListBooksRequest request;
    absl::Status status =
        BindRequest(MatchOf("GET", {"v1", "shelves", "s", "books"}), query, "", &request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << query[0].first;
  }
}

// Found by the bad-input sweep: bytes that are not UTF-8 in a string field
// made the backend refuse the message as unparsable (500 instead of 400).
TEST_F(TranscoderTest, RejectsPathAndQueryTextThatIsNotUtf8) {
  const std::string kNotUtf8[] = {
      "\xff",         "a\xfe",
      "\xc0\xaf",                          // stray bytes, overlong "/"
      "\xed\xa0\x80", "\xf4\x90\x80\x80",  // a lone surrogate, above U+10FFFF
      "\xe2\x82",     "\xf0\x9f\x98"};     // cut short
  for (const std::string& text : kNotUtf8) {
    testing::v1::ListBooksRequest by_query;
    absl::Status status = BindRequest(MatchOf("GET", {"v1", "shelves", "s", "books"}),
                                      {{"filter.author", text}}, "", &by_query);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(status.message(), HasSubstr("UTF-8"));
    testing::v1::ListBooksRequest by_path;
    EXPECT_EQ(
        BindRequest(MatchOf("GET", {"v1", "shelves", text, "books"}), {}, "", &by_path).code(),
        absl::StatusCode::kInvalidArgument)
        << text;
  }
  // Everything well-formed passes, NUL and the last code point included.
  const std::string kUtf8[] = {std::string("a\0b", 3), "\xc3\xa4",         "\xe2\x80\xae",
                               "\xf0\x9f\x98\x80",     "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"};
  for (const std::string& text : kUtf8) {
    testing::v1::ListBooksRequest request;
    ASSERT_TRUE(BindRequest(MatchOf("GET", {"v1", "shelves", text, "books"}),
                            {{"filter.author", text}}, "", &request)
                    .ok())
        << text;
    EXPECT_EQ(request.shelf_id(), text);
    EXPECT_EQ(request.filter().author(), text);
  }
}

// Found by fuzz/gateway_request_fuzz.cc: the error message echoed an unknown
// parameter's name, so a name that is not UTF-8 made the error body invalid JSON.
TEST_F(TranscoderTest, RefusesQueryNamesThatAreNotUtf8WithoutEchoingThem) {
  testing::v1::ListBooksRequest request;
  absl::Status status = BindRequest(MatchOf("GET", {"v1", "shelves", "s", "books"}),
                                    {{"page\xff\xfe", "1"}}, "", &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "query: a parameter name is not UTF-8");
}

// Found by fuzz/gateway_request_fuzz.cc: Protobuf's JSON parse error quoted
// the body's invalid bytes, so the 400 answer was not valid JSON.
TEST_F(TranscoderTest, RefusesBodiesThatAreNotUtf8) {
  testing::v1::PutBookRequest request;
  absl::Status status = BindRequest(MatchOf("PUT", {"v1", "shelves", "s", "books", "b"}), {},
                                    "{\"title\": \"2026-12\xdc\xcf"
                                    "2T09\"}",
                                    &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "body: not UTF-8 text");
}

TEST_F(TranscoderTest, BindsNamedBodyAndPathWins) {
  testing::v1::PutBookRequest request;
  absl::Status status =
      BindRequest(MatchOf("PUT", {"v1", "shelves", "s-1", "books", "b-1"}), {{"dry_run", "true"}},
                  R"({"id": "other", "title": "Der Process", "pages": 300})", &request);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(request.book().id(), "b-1");
  EXPECT_EQ(request.book().shelf_id(), "s-1");
  EXPECT_EQ(request.book().title(), "Der Process");
  EXPECT_TRUE(request.dry_run());
}

TEST_F(TranscoderTest, RejectsBadBodies) {
  const char* kBodies[] = {"",
                           "{",
                           "[]",
                           R"({"pages": "many"})",
                           R"({"pages": 1e40})",
                           R"({"unknown": 1})",
                           R"({"title": 7})",
                           "\xff\xfe"};
  for (const char* body : kBodies) {
    testing::v1::PutBookRequest request;
    absl::Status status =
        BindRequest(MatchOf("PUT", {"v1", "shelves", "s", "books", "b"}), {}, body, &request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << body;
  }
}

TEST_F(TranscoderTest, BodyFieldCannotAlsoComeFromQuery) {
  testing::v1::PutBookRequest request;
  absl::Status status = BindRequest(MatchOf("PUT", {"v1", "shelves", "s", "books", "b"}),
                                    {{"book.title", "x"}}, R"({"title": "y"})", &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TranscoderTest, WholeBodyAndNoBodyRoutes) {
  testing::v1::Book book;
  ASSERT_TRUE(BindRequest(MatchOf("POST", {"v1", "books"}), {}, R"({"title": "T"})", &book).ok());
  EXPECT_EQ(book.title(), "T");
  testing::v1::GetShelfRequest shelf;
  absl::Status status =
      BindRequest(MatchOf("GET", {"v1", "shelves", "s"}), {}, R"({"shelf_id": "x"})", &shelf);
  EXPECT_THAT(std::string(status.message()), HasSubstr("takes no body"));
}

TEST_F(TranscoderTest, RendersDefaultsToo) {
  testing::v1::Book book;
  book.set_title("T");
  absl::StatusOr<std::string> json = RenderJson(book);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr(R"("pages":0)"));
  EXPECT_THAT(*json, HasSubstr(R"("title":"T")"));
}

}  // namespace
}  // namespace stadt::gateway
