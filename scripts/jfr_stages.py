"""Reads `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample` on stdin and prints the
share of samples per stage of `predict DIR` (scripts/profile-predict-dir), or with --serve of a
`serve` answering `b64` requests (scripts/profile-serve-b64). A sample belongs to the stage of its
innermost frame whose class or method is in STAGES; shared helpers (GrayPlane, AWT's rasters) are
left out of the table so that their time counts for the stage that called them."""

import re
import sys
from collections import Counter

# (stage, frame prefixes), tried in this order on each frame, innermost frame first.
STAGES = [
    ("file reading", ("java.nio.file.Files.readAllBytes", "sun.nio.ch.FileChannelImpl", "java.io.FileInputStream")),
    ("decode: ImageIO's JPEG read (libjpeg, rows into the raster)", ("com.sun.imageio.", "javax.imageio.")),
    ("decode: JPEG header, Pillow view or bands, stored colours", ("io.tfjmnist.images.decoding.",)),
    ("predict-py: Pillow's resize", ("io.tfjmnist.images.preprocessing.PillowResize",
                                   "io.tfjmnist.images.preprocessing.PillowResample")),
    ("predict-py: convert('L'), invert", ("io.tfjmnist.images.preprocessing.PredictPyPreprocessing",)),
    ("mnist: orientation, luma", ("io.tfjmnist.images.preprocessing.Orientation", "io.tfjmnist.images.preprocessing.Luma")),
    ("mnist: polarity, background flattening", ("io.tfjmnist.images.preprocessing.Polarity",
                                                "io.tfjmnist.images.preprocessing.BackgroundFlattening")),
    ("mnist: ink levels, components, framing", ("io.tfjmnist.images.preprocessing.",)),
    ("TF's native library load", ("jdk.internal.loader.NativeLibraries", "org.bytedeco.", "org.tensorflow.NativeLibrary",
                                  "io.tfjmnist.tensors.NativeWarmUp")),
    ("inference (TF session runs, tensors)", ("org.tensorflow.", "io.tfjmnist.tensors.", "io.tfjmnist.inference.DigitClassifier")),
    ("printing the predictions", ("java.io.PrintStream", "io.tfjmnist.cli.PredictCommand.textLine")),
    ("model and checkpoint loading", ("io.tfjmnist.modelfiles.", "io.tfjmnist.checkpoint.", "io.tfjmnist.model.")),
]
IDLE = ("jdk.internal.misc.Unsafe.park", "java.lang.Object.wait", "java.lang.Thread.sleep", "sun.nio.ch.EPoll",
        "sun.nio.ch.Net.accept", "sun.nio.ch.Net.poll")

# `serve`: a request's way from Jetty's read of the body to the written answer. The budget's header
# walk is named before the decode that it prices; the model run, before TF's frames inside it.
SERVE_STAGES = [
    ("budget: header walk that prices the decode (dimensions, JPEG scans)",
     ("io.tfjmnist.images.decoding.ImageDecoder.dimensions", "io.tfjmnist.images.decoding.JpegInfo.scanCount")),
    ("decode (libjpeg-turbo in TF's DecodeJpeg, or ImageIO)", ("io.tfjmnist.images.decoding.", "com.sun.imageio.",
                                                               "javax.imageio.")),
    ("preprocessing", ("io.tfjmnist.images.preprocessing.",)),
    ("model run (micro-batch, TF session run)", ("io.tfjmnist.serving.MicroBatcher", "io.tfjmnist.serving.Predictions")),
    ("answer: JSON and the socket write", ("io.tfjmnist.serving.Replies",)),
    ("base64", ("io.tfjmnist.serving.PredictParser.decodeBase64", "io.tfjmnist.serving.PredictParser.latin1",
                "java.util.Base64")),
    ("JSON parsing, strict UTF-8 check", ("com.fasterxml.jackson.", "io.tfjmnist.serving.PredictParser",
                                          "io.tfjmnist.serving.ApiHandler.requireStrictUtf8")),
    ("body read", ("io.tfjmnist.serving.BodyReader",)),
    ("metrics", ("io.tfjmnist.serving.ServingMetrics", "io.prometheus.")),
    ("Jetty: HTTP parsing, socket reads, dispatch", ("org.eclipse.jetty.",)),
]
SERVE_ENCLOSING = [SERVE_STAGES[0], SERVE_STAGES[3], SERVE_STAGES[4]]  # named by any frame of the stack


# A stage named by any frame of the stack: libjpeg-turbo runs inside a TF session run, whose
# innermost frames are TF's own, as the model's are.
ENCLOSING = [
    ("decode: libjpeg-turbo (TF's DecodeJpeg)", ("io.tfjmnist.tensors.JpegTurbo",)),
]


def stage(frames, stages=STAGES, enclosing=ENCLOSING):
    if frames and frames[0].startswith(IDLE):
        return None  # a thread waiting in native code, not work
    for name, prefixes in enclosing:
        if any(f.startswith(prefixes) for f in frames):
            return name
    for f in frames:
        for name, prefixes in stages:
            if f.startswith(prefixes):
                return name
    return "other (JVM start, class loading, threading, collections)"


def main():
    serve = "--serve" in sys.argv[1:]
    stages, enclosing = (SERVE_STAGES, SERVE_ENCLOSING) if serve else (STAGES, ENCLOSING)
    counts = Counter()
    native = Counter()
    frames, in_stack, is_native = [], False, False
    for line in sys.stdin:
        s = line.strip()
        if s.endswith("Sample {"):
            is_native = s.startswith("jdk.NativeMethodSample")
        elif s.startswith("stackTrace = ["):
            frames, in_stack = [], True
        elif in_stack and s.startswith("]"):
            in_stack = False
            name = stage(frames, stages, enclosing)
            if name:
                counts[name] += 1
                native[name] += is_native
        elif in_stack and s and not s.startswith("..."):
            frames.append(re.sub(r"\s+line:.*$", "", s))
    total = sum(counts.values())
    if not total:
        print("no samples")
        return
    print(f"{total} samples of threads not parked (JFR's profile settings), of which {sum(native.values())} in"
          " native code (a thread in native code may be waiting there, e.g. for TF's own threads):")
    for name, n in counts.most_common():
        print(f"  {100.0 * n / total:5.1f} %  {name}  ({native[name]} of {n} native)")


if __name__ == "__main__":
    main()
