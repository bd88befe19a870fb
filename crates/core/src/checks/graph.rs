//! Cycles in a directed graph (resource dependencies, conditions).

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Finds the cycles of a directed graph (strongly connected components with
/// more than one node, or a node with an edge to itself), each as a path that
/// returns to its start.
pub(super) fn find_cycles<'a>(graph: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<Vec<&'a str>> {
    // Tarjan's algorithm, iterative to keep deep graphs off the call stack.
    let nodes: Vec<&str> = graph.keys().copied().collect();
    let index_of: HashMap<&str, usize, foldhash::fast::RandomState> =
        nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let n = nodes.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut components = Vec::new();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|v| {
            graph[v]
                .iter()
                .filter_map(|w| index_of.get(w).copied())
                .collect()
        })
        .collect();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *child < edges[v].len() {
                let w = edges[v][*child];
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let self_loop = component.len() == 1 && edges[v].contains(&v);
                if component.len() > 1 || self_loop {
                    component.sort_unstable();
                    let mut cycle: Vec<&str> = component.iter().map(|i| nodes[*i]).collect();
                    cycle.push(cycle[0]);
                    components.push(cycle);
                }
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_and_reported_once() {
        let mut g: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        g.insert("A", ["B"].into());
        g.insert("B", ["C"].into());
        g.insert("C", ["A"].into());
        g.insert("D", ["D"].into());
        g.insert("E", ["A"].into());
        let cycles = find_cycles(&g);
        assert_eq!(cycles, vec![vec!["A", "B", "C", "A"], vec!["D", "D"]]);
    }

    #[test]
    fn acyclic_graph_has_no_cycles() {
        let mut g: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        g.insert("A", ["B", "C"].into());
        g.insert("B", ["C"].into());
        g.insert("C", BTreeSet::new());
        assert!(find_cycles(&g).is_empty());
    }
}
