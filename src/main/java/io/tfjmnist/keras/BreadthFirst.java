package io.tfjmnist.keras;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Node ids and object paths as Python's {@code _breadth_first_traversal} assigns them: the root is 0,
 * then every object in the order it is first reached, breadth first, children in their order; an
 * object reached twice keeps its first id and path (the path its checkpoint key is made of).
 *
 * @param order the objects in id order
 * @param ids each object's node id (by identity)
 * @param paths each object's first path, "" for the root
 */
record BreadthFirst<T>(List<T> order, Map<T, Integer> ids, Map<T, String> paths) {

  static <T> BreadthFirst<T> of(T root, Function<T, List<Map.Entry<String, T>>> children) {
    List<T> order = new ArrayList<>();
    Map<T, Integer> ids = new IdentityHashMap<>();
    Map<T, String> paths = new IdentityHashMap<>();
    Deque<T> queue = new ArrayDeque<>();
    ids.put(root, 0);
    paths.put(root, "");
    order.add(root);
    queue.add(root);
    while (!queue.isEmpty()) {
      T o = queue.poll();
      for (Map.Entry<String, T> c : children.apply(o)) {
        if (!ids.containsKey(c.getValue())) {
          ids.put(c.getValue(), order.size());
          String parent = paths.get(o);
          paths.put(c.getValue(), parent.isEmpty() ? c.getKey() : parent + "/" + c.getKey());
          order.add(c.getValue());
          queue.add(c.getValue());
        }
      }
    }
    return new BreadthFirst<>(order, ids, paths);
  }
}
