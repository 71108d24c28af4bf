"""Load what the Java port wrote, with Python TensorFlow, and check the numbers.

Usage (from the repository root, where TensorFlow is installed):
    java -jar target/tfj-mnist.jar train                      # writes mnist.index / .data-*
    java -jar target/tfj-mnist.jar export --out saved_models/mnist/1
    python python-reference/check_java_artifacts.py --weights mnist --saved-model saved_models/mnist/1

1. tf.saved_model.load() on the Java export, serving_default on the 10,000 test images.
2. tf.train.load_checkpoint() on the Java checkpoint (keys, optimizer/iter), then an object-based
   restore into the quickstart's MyModel through tf.train.Checkpoint.
With Keras 2 (tf.keras <= 2.15, or tf_keras) the restore matches every variable. Keras 3 tracks
a Dense/Conv kernel as `_kernel` instead of `kernel`, so there the kernels stay unmatched
(reported, not hidden); Keras 3 reads weights from .weights.h5 files instead.
"""
import argparse, gzip, sys
import numpy as np
import tensorflow as tf

ap = argparse.ArgumentParser()
ap.add_argument("--weights", default="mnist")
ap.add_argument("--saved-model", default="saved_models/mnist/1")
ap.add_argument("--datasets", default="../shared/datasets")
args = ap.parse_args()
print("TF", tf.__version__)
def load(path, off): 
    with gzip.open(path) as f: return np.frombuffer(f.read(), np.uint8, offset=off)
x = load(args.datasets + '/mnist/t10k-images-idx3-ubyte.gz',16).reshape(-1,28,28,1)
y = load(args.datasets + '/mnist/t10k-labels-idx1-ubyte.gz',8)
x = (x/255.0).astype('float32')
# 1. SavedModel exported by Java, loaded by Python
m = tf.saved_model.load(args.saved_model)
f = m.signatures['serving_default']
print("signature inputs", f.structured_input_signature, "outputs", f.structured_outputs)
p = np.concatenate([f(input=tf.constant(x[i:i+1000]))['probabilities'].numpy() for i in range(0,10000,1000)])
print("python accuracy of Java SavedModel", (p.argmax(1)==y).mean())
# 2. Checkpoint written by Java, read by Python's checkpoint reader, then rebuilt as the quickstart model
r = tf.train.load_checkpoint(args.weights)
keys = sorted(r.get_variable_to_shape_map())
print(len(keys), "keys; iter =", r.get_tensor('optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE'))
class MyModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = tf.keras.layers.Conv2D(32, 3, activation='relu')
        self.flatten = tf.keras.layers.Flatten()
        self.d1 = tf.keras.layers.Dense(128, activation='relu')
        self.d2 = tf.keras.layers.Dense(10, activation='softmax')
    def call(self, x):
        return self.d2(self.d1(self.flatten(self.conv1(x))))
model = MyModel(); model(x[:1])
# object-based restore through tf.train.Checkpoint (matches on child names conv1/d1/d2)
ckpt = tf.train.Checkpoint(model)
status = ckpt.read(args.weights)
try:
    status.assert_existing_objects_matched(); print("object-based restore: all model objects matched")
except Exception as e: print("object-based restore mismatch:", str(e)[:300])
q = model.predict(x, batch_size=1000, verbose=0)
print("python accuracy of Java checkpoint (object-based restore)", (q.argmax(1)==y).mean(), "max|d| vs Java SavedModel", np.abs(q-p).max())
