package io.tfjmnist.serving;

import io.grpc.stub.StreamObserver;
import org.tensorflow.proto.error.Code;
import tensorflow.serving.GetModelStatus.GetModelStatusRequest;
import tensorflow.serving.GetModelStatus.GetModelStatusResponse;
import tensorflow.serving.GetModelStatus.ModelVersionStatus;
import tensorflow.serving.ModelManagement.ReloadConfigRequest;
import tensorflow.serving.ModelManagement.ReloadConfigResponse;
import tensorflow.serving.ModelServiceGrpc;
import tensorflow.serving.Model.ModelSpec;
import tensorflow.serving.Status.StatusProto;

/**
 * TF Serving's {@code tensorflow.serving.ModelService}: the served model's versions and their
 * states (highest version first), as REST's {@code GET /v1/models/NAME} reports them. Reloading a model server config is
 * not offered ({@code UNIMPLEMENTED}): the model is chosen on the command line.
 */
final class ModelStatusGrpcService extends ModelServiceGrpc.ModelServiceImplBase {
  private final ModelVersions versions;

  ModelStatusGrpcService(ModelVersions versions) {
    this.versions = versions;
  }

  @Override
  public void getModelStatus(GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> reply) {
    PredictionGrpcService.answer(reply, () -> {
      ModelSpec spec = request.getModelSpec();
      GetModelStatusResponse.Builder out = GetModelStatusResponse.newBuilder();
      for (ModelVersions.Status s : versions.statuses(spec.getName(), PredictionGrpcService.version(spec),
          PredictionGrpcService.label(spec))) {
        out.addModelVersionStatus(ModelVersionStatus.newBuilder().setVersion(s.version())
            .setState(ModelVersionStatus.State.valueOf(s.state().name()))
            .setStatus(StatusProto.newBuilder().setErrorCode(Code.valueOf(ModelDocuments.errorCode(s)))
                .setErrorMessage(s.error())));
      }
      return out.build();
    });
  }

  @Override
  public void handleReloadConfigRequest(ReloadConfigRequest request, StreamObserver<ReloadConfigResponse> reply) {
    PredictionGrpcService.answer(reply, () -> {
      throw new ApiException(501, "This server does not reload a model server config; it serves the model named on"
          + " its command line.");
    });
  }
}
