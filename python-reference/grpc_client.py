"""TF Serving's gRPC API called from Python, as TF Serving's own Python clients call it.

The stubs are generated here, with grpcio-tools, from the same service definitions the Java server
is built from (src/main/proto/tensorflow_serving); TensorFlow's messages (TensorProto, SignatureDef)
come from the installed tensorflow package, as with tensorflow-serving-api. Prints one JSON object:
every probability as its float32 bits, the metadata's signature, the version states and the status
codes of a few refused calls, for the Java test to compare.

Usage: python grpc_client.py --target HOST:PORT --protos DIR --out DIR --images FILE.json [--png FILE]
"""
import argparse
import json
import os
import struct
import sys


def match_installed_tensorflow(protos, out):
    """A copy of the proto tree whose TensorFlow imports are laid out as the installed tensorflow's.

    The imported files were printed from TF Java's descriptors (TF 2.18), where error_codes.proto
    re-exports tsl/protobuf/error_codes.proto; newer TF moved that file to xla/tsl/protobuf/. Python's
    generated code names the module of a public import, so it must be the installed one's.
    """
    import shutil
    from tensorflow.core.protobuf import error_codes_pb2
    tree = os.path.join(out, "protos")
    shutil.copytree(protos, tree)
    installed = error_codes_pb2.DESCRIPTOR.dependencies[0].name
    if installed != "tsl/protobuf/error_codes.proto":
        os.makedirs(os.path.dirname(os.path.join(tree, installed)), exist_ok=True)
        shutil.copy(os.path.join(tree, "tsl/protobuf/error_codes.proto"), os.path.join(tree, installed))
        path = os.path.join(tree, "tensorflow/core/protobuf/error_codes.proto")
        with open(path) as f:
            text = f.read().replace('"tsl/protobuf/error_codes.proto"', '"' + installed + '"')
        with open(path, "w") as f:
            f.write(text)
    return tree


def generate_stubs(protos, out):
    from grpc_tools import protoc
    import grpc_tools
    protos = match_installed_tensorflow(protos, out)
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    serving = sorted(
        os.path.join(root, f)
        for root, _, files in os.walk(os.path.join(protos, "tensorflow_serving"))
        for f in files if f.endswith(".proto"))
    args = ["protoc", "-I" + protos, "-I" + well_known, "--python_out=" + out, "--grpc_python_out=" + out]
    if protoc.main(args + [os.path.relpath(p, protos) for p in serving]) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)


def bits(values):
    return [struct.unpack("<I", struct.pack("<f", v))[0] for v in values]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--target", required=True)
    a.add_argument("--protos", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--images", required=True)
    a.add_argument("--png")
    args = a.parse_args()
    generate_stubs(args.protos, args.out)

    import grpc
    from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2
    from tensorflow_serving.apis import (get_model_metadata_pb2, get_model_status_pb2, model_service_pb2_grpc,
                                         predict_pb2, prediction_service_pb2_grpc)

    with open(args.images) as f:
        images = json.load(f)
    channel = grpc.insecure_channel(args.target)
    predict = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    models = model_service_pb2_grpc.ModelServiceStub(channel)
    result = {}

    req = predict_pb2.PredictRequest()
    req.model_spec.name = "mnist"
    t = req.inputs["input"]
    t.dtype = types_pb2.DT_FLOAT
    for d in (len(images), 28, 28):
        t.tensor_shape.dim.add().size = d
    for image in images:
        t.float_val.extend(image)
    r = predict.Predict(req, timeout=60)
    out = r.outputs["probabilities"]
    result["shape"] = [d.size for d in out.tensor_shape.dim]
    result["bits"] = bits(out.float_val)
    result["version"] = r.model_spec.version.value

    if args.png:
        req = predict_pb2.PredictRequest()
        req.model_spec.name = "mnist"
        t = req.inputs["input"]
        t.dtype = types_pb2.DT_STRING
        t.tensor_shape.dim.add().size = 1
        with open(args.png, "rb") as f:
            t.string_val.append(f.read())
        result["png_bits"] = bits(predict.Predict(req, timeout=60).outputs["probabilities"].float_val)

    meta = predict.GetModelMetadata(get_model_metadata_pb2.GetModelMetadataRequest(
        model_spec={"name": "mnist"}, metadata_field=["signature_def"]), timeout=30)
    defs = get_model_metadata_pb2.SignatureDefMap()
    meta.metadata["signature_def"].Unpack(defs)
    sig = defs.signature_def["serving_default"]
    result["method_name"] = sig.method_name
    result["inputs"] = {k: [d.size for d in v.tensor_shape.dim] for k, v in sig.inputs.items()}

    status = models.GetModelStatus(get_model_status_pb2.GetModelStatusRequest(model_spec={"name": "mnist"}), timeout=30)
    result["states"] = {str(v.version): get_model_status_pb2.ModelVersionStatus.State.Name(v.state)
                        for v in status.model_version_status}

    errors = {}
    try:
        predict.Predict(predict_pb2.PredictRequest(model_spec={"name": "fashion"}), timeout=30)
    except grpc.RpcError as e:
        errors["unknown_model"] = e.code().name
    bad = predict_pb2.PredictRequest(model_spec={"name": "mnist"})
    bad.inputs["input"].dtype = types_pb2.DT_INT32
    try:
        predict.Predict(bad, timeout=30)
    except grpc.RpcError as e:
        errors["int32_input"] = e.code().name
    result["errors"] = errors
    print(json.dumps(result))


if __name__ == "__main__":
    main()
