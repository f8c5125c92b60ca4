// Fuzzes route matching and JSON/query/path-to-proto binding directly, without
// HTTP parsing or authentication in front, over the routes of every linked API.
// Input: a request line "METHOD /target?query", a newline, then the JSON body.
//
// Properties checked on every request the transcoder accepts: the message it
// built must serialize to bytes the backend's parser accepts (a proto3 string
// field must hold valid UTF-8, or the backend refuses the call and the client
// sees a 5xx), and must render back to JSON for the response path.

#include <boost/url/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/linked_apis.h"
#include "gateway/routing/route_table.h"
#include "gateway/transcode/transcoder.h"
#include "google/protobuf/message.h"

namespace {

namespace pb = google::protobuf;

const stadt::gateway::RouteTable& Routes() {
  static const stadt::gateway::RouteTable* routes = [] {
    std::vector<const pb::ServiceDescriptor*> services;
    for (const stadt::gateway::LinkedApi& api : stadt::gateway::LinkedApis()) {
      services.push_back(api.service);
    }
    return new stadt::gateway::RouteTable(stadt::gateway::RouteTable::Build(services).value());
  }();
  return *routes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  const std::string_view body =
      line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  const std::string_view method = line.substr(0, space);

  // Decoded exactly as Gateway::Handle decodes a request target.
  boost::system::result<boost::urls::url_view> url =
      boost::urls::parse_origin_form(line.substr(space + 1));
  if (!url) return 0;
  std::vector<std::string> segments;
  for (std::string segment : url->segments()) segments.push_back(std::move(segment));
  stadt::gateway::QueryParams query;
  for (boost::urls::param param : url->params()) {
    query.emplace_back(std::move(param.key), std::move(param.value));
  }

  const stadt::gateway::MatchResult match = Routes().Match(method, segments);
  if (match.kind != stadt::gateway::MatchResult::Kind::kMatched) return 0;
  const pb::Message* prototype = pb::MessageFactory::generated_factory()->GetPrototype(
      match.match.route->method->input_type());
  std::unique_ptr<pb::Message> request(prototype->New());
  if (!stadt::gateway::BindRequest(match.match, query, body, request.get()).ok()) return 0;

  std::unique_ptr<pb::Message> received(prototype->New());
  if (!received->ParseFromString(request->SerializeAsString())) std::abort();
  if (!stadt::gateway::RenderJson(*request).ok()) std::abort();
  return 0;
}
