#include "services/privacy/rpc/privacy_reactor_service.h"

namespace stadt::privacy {

grpc::ServerUnaryReactor* PrivacyReactorService::ExportMyData(
    grpc::CallbackServerContext* context, const v1::ExportMyDataRequest* request,
    v1::MyData* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ExportMyData(context, request, response); });
}

grpc::ServerUnaryReactor* PrivacyReactorService::EraseMyData(grpc::CallbackServerContext* context,
                                                             const v1::EraseMyDataRequest* request,
                                                             v1::ErasureResult* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.EraseMyData(context, request, response); });
}

}  // namespace stadt::privacy
