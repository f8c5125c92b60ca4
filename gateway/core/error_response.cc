#include "gateway/core/error_response.h"

#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gateway/transcode/utf8.h"
#include "services/common/status.h"

namespace stadt::gateway {

HttpResponse ErrorResponse(grpc::StatusCode code, std::string_view reason, std::string_view message,
                           int http_status) {
  namespace http = boost::beast::http;
  boost::json::object body{
      {"code", static_cast<int>(code)},
      {"status", GrpcCodeName(code)},
      // Messages may quote the client's bytes (a JSON parser's excerpt);
      // the error must stay valid JSON whatever they were.
      {"message", ToValidUtf8(message)},
      {"details", boost::json::array{boost::json::object{{"reason", reason}}}}};
  HttpResponse response;
  response.result(http_status != 0 ? http_status : HttpStatusForGrpcCode(code));
  response.set(http::field::content_type, "application/json");
  response.body() = boost::json::serialize(body);
  return response;
}

}  // namespace stadt::gateway
