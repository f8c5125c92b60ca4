#include "services/notifications/rpc/notifications_reactor_service.h"

namespace stadt::notifications {

grpc::ServerUnaryReactor* NotificationsReactorService::ListDeadLetters(
    grpc::CallbackServerContext* context, const v1::ListDeadLettersRequest* request,
    v1::ListDeadLettersResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListDeadLetters(context, request, response); });
}

grpc::ServerUnaryReactor* NotificationsReactorService::ReplayDeadLetter(
    grpc::CallbackServerContext* context, const v1::ReplayDeadLetterRequest* request,
    v1::DeadLetter* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ReplayDeadLetter(context, request, response); });
}

grpc::ServerUnaryReactor* NotificationsReactorService::ErasePersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::ErasureReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ErasePersonalData(context, request, response); });
}

}  // namespace stadt::notifications
