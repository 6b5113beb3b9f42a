//! Automatic expert assignment (R-COI, even load).
//!
//! SPEC "Review and ranking": each accepted application gets the cycle's reviewers per
//! application, never an expert of its own unit (R-COI), with the load as even as the
//! conflicts allow. "Even" is made exact here: among all valid assignments, one that minimises
//! `max load − min load` over all experts is chosen (load = current load + new pairs), so an
//! assignment with a spread of at most one is always found when one exists.
//!
//! Method: for a spread `d` and a window `[lo, lo + d]`, whether every expert's load can lie in
//! the window is a flow problem with lower bounds (source → application with exactly `need`,
//! application → allowed expert with capacity 1, expert → sink within the window), decided by
//! Dinic's max flow on the usual lower-bound reduction. Feasibility is monotone in `d`, so the
//! smallest feasible `d` is found by binary search between a lower bound and the spread of a
//! greedy assignment.

use std::collections::BTreeSet;

/// An application that needs reviewers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSlot {
    pub application_id: i64,
    /// The application's unit: its experts are excluded (R-COI).
    pub unit_id: i64,
    /// Experts already assigned to this application (they count towards `per_app`).
    pub already: Vec<i64>,
}

/// An expert who may review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertSlot {
    pub expert_id: i64,
    pub unit_id: i64,
    /// Assignments this expert already has in the cycle (counted in the load).
    pub current_load: u32,
}

/// Returns the new `(application_id, expert_id)` pairs, sorted, that give every application
/// `per_app` distinct experts, never one of its own unit (R-COI) and never one already on it,
/// with the smallest possible spread of expert loads.
///
/// Application ids are expected to be distinct; duplicate expert ids count once.
///
/// # Errors
/// The sorted ids of the applications that have fewer allowed experts left than they need.
pub fn assign(apps: &[AppSlot], experts: &[ExpertSlot], per_app: u32) -> Result<Vec<(i64, i64)>, Vec<i64>> {
    let problem = Problem::new(apps, experts, per_app)?;
    if problem.total_need == 0 {
        return Ok(Vec::new());
    }
    let (mut best, best_spread) = problem.greedy();
    let (mut lo, mut hi) = (problem.spread_lower_bound(), best_spread);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match problem.with_spread(mid) {
            Some(found) => {
                best = found;
                hi = mid;
            }
            None => lo = mid + 1,
        }
    }
    let mut pairs: Vec<(i64, i64)> = best
        .into_iter()
        .map(|(a, e)| (problem.apps[a].0, problem.experts[e].0))
        .collect();
    pairs.sort_unstable();
    Ok(pairs)
}

/// The instance in index form, sorted by id so that the result does not depend on input order.
struct Problem {
    /// `(application id, need, allowed expert indices)` for applications with `need > 0`.
    apps: Vec<(i64, i64, Vec<usize>)>,
    /// `(expert id, current load, number of applications it may still take)`.
    experts: Vec<(i64, i64, i64)>,
    total_need: i64,
}

impl Problem {
    fn new(apps: &[AppSlot], experts: &[ExpertSlot], per_app: u32) -> Result<Problem, Vec<i64>> {
        let mut expert_slots: Vec<&ExpertSlot> = experts.iter().collect();
        expert_slots.sort_by_key(|e| e.expert_id);
        expert_slots.dedup_by_key(|e| e.expert_id);
        let mut app_slots: Vec<&AppSlot> = apps.iter().collect();
        app_slots.sort_by_key(|a| a.application_id);

        let mut degree = vec![0_i64; expert_slots.len()];
        let mut indexed = Vec::new();
        let mut uncovered = Vec::new();
        for app in app_slots {
            let already: BTreeSet<i64> = app.already.iter().copied().collect();
            let need = i64::from(per_app).saturating_sub(already.len() as i64);
            if need <= 0 {
                continue;
            }
            // R-COI: never an expert of the application's own unit; never one already on it.
            let allowed: Vec<usize> = (0..expert_slots.len())
                .filter(|&e| expert_slots[e].unit_id != app.unit_id)
                .filter(|&e| !already.contains(&expert_slots[e].expert_id))
                .collect();
            if (allowed.len() as i64) < need {
                uncovered.push(app.application_id);
                continue;
            }
            allowed.iter().for_each(|&e| degree[e] += 1);
            indexed.push((app.application_id, need, allowed));
        }
        if !uncovered.is_empty() {
            uncovered.sort_unstable();
            uncovered.dedup();
            return Err(uncovered);
        }
        let experts = expert_slots
            .iter()
            .zip(degree)
            .map(|(e, deg)| (e.expert_id, i64::from(e.current_load), deg))
            .collect();
        let total_need = indexed.iter().map(|(_, need, _)| need).sum();
        Ok(Problem {
            apps: indexed,
            experts,
            total_need,
        })
    }

    fn total_load(&self) -> i64 {
        self.experts.iter().map(|e| e.1).sum::<i64>() + self.total_need
    }

    /// No assignment can do better: the busiest expert cannot lose load, the one that can
    /// gain least cannot gain more, and an uneven total leaves a spread of at least one.
    fn spread_lower_bound(&self) -> i64 {
        let max_current = self.experts.iter().map(|e| e.1).max().unwrap_or(0);
        let min_reachable = self.experts.iter().map(|e| e.1 + e.2).min().unwrap_or(0);
        let n = self.experts.len().max(1) as i64;
        let uneven = i64::from(self.total_load() % n != 0);
        (max_current - min_reachable).max(uneven)
    }

    /// Each application in turn takes its least-loaded allowed experts: a valid assignment
    /// whose spread bounds the optimum from above.
    fn greedy(&self) -> (Vec<(usize, usize)>, i64) {
        let mut load: Vec<i64> = self.experts.iter().map(|e| e.1).collect();
        let mut pairs = Vec::with_capacity(self.total_need as usize);
        for (a, (_, need, allowed)) in self.apps.iter().enumerate() {
            let mut by_load = allowed.clone();
            by_load.sort_by_key(|&e| (load[e], e));
            for &e in by_load.iter().take(*need as usize) {
                load[e] += 1;
                pairs.push((a, e));
            }
        }
        let spread = load.iter().max().unwrap_or(&0) - load.iter().min().unwrap_or(&0);
        (pairs, spread)
    }

    /// An assignment with every expert's load inside some window `[lo, lo + d]`, if any.
    fn with_spread(&self, d: i64) -> Option<Vec<(usize, usize)>> {
        let n = self.experts.len() as i64;
        let total = self.total_load();
        let max_current = self.experts.iter().map(|e| e.1).max()?;
        let min_reachable = self.experts.iter().map(|e| e.1 + e.2).min()?;
        // The window must hold every current load, every expert must reach `lo`, and the
        // loads must add up to `total`.
        let lo_min = (max_current - d).max((total + n - 1) / n - d).max(0);
        let lo_max = min_reachable.min(total / n);
        (lo_min..=lo_max).find_map(|lo| self.within(lo, lo + d))
    }

    /// Flow with lower bounds: source → app `[need, need]`, app → expert `[0, 1]`,
    /// expert → sink `[max(0, lo − current), hi − current]`; reduced to a plain max flow from
    /// a super source `S` to a super sink `T`.
    fn within(&self, lo: i64, hi: i64) -> Option<Vec<(usize, usize)>> {
        let (super_s, super_t, s, t) = (0, 1, 2, 3);
        let app_node = |a: usize| 4 + a;
        let expert_node = |e: usize| 4 + self.apps.len() + e;
        let mut net = FlowNet::new(4 + self.apps.len() + self.experts.len());
        let mut pair_edges = Vec::with_capacity(self.total_need as usize * 4);
        for (a, (_, need, allowed)) in self.apps.iter().enumerate() {
            net.add_edge(super_s, app_node(a), *need);
            for &e in allowed {
                pair_edges.push((a, e, net.add_edge(app_node(a), expert_node(e), 1)));
            }
        }
        let mut lower_sum = 0;
        for (e, &(_, current, _)) in self.experts.iter().enumerate() {
            let lower = (lo - current).max(0);
            let upper = hi - current;
            if upper < lower {
                return None;
            }
            lower_sum += lower;
            net.add_edge(expert_node(e), t, upper - lower);
            net.add_edge(expert_node(e), super_t, lower);
        }
        net.add_edge(super_s, t, lower_sum);
        net.add_edge(s, super_t, self.total_need);
        net.add_edge(t, s, self.total_need + lower_sum);
        if net.max_flow(super_s, super_t) != self.total_need + lower_sum {
            return None;
        }
        let pairs = pair_edges
            .into_iter()
            .filter(|&(_, _, edge)| net.cap[edge] == 0)
            .map(|(a, e, _)| (a, e))
            .collect();
        Some(pairs)
    }
}

/// Dinic's max flow. Edge `i` and its reverse `i ^ 1` are stored side by side.
struct FlowNet {
    head: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<i64>,
    level: Vec<i32>,
    next: Vec<usize>,
}

impl FlowNet {
    fn new(nodes: usize) -> FlowNet {
        FlowNet {
            head: vec![Vec::new(); nodes],
            to: Vec::new(),
            cap: Vec::new(),
            level: vec![0; nodes],
            next: vec![0; nodes],
        }
    }

    fn add_edge(&mut self, from: usize, to: usize, cap: i64) -> usize {
        let id = self.to.len();
        self.head[from].push(id);
        self.to.push(to);
        self.cap.push(cap);
        self.head[to].push(id + 1);
        self.to.push(from);
        self.cap.push(0);
        id
    }

    fn max_flow(&mut self, s: usize, t: usize) -> i64 {
        let mut flow = 0;
        while self.bfs(s, t) {
            self.next.iter_mut().for_each(|n| *n = 0);
            loop {
                let pushed = self.dfs(s, t, i64::MAX);
                if pushed == 0 {
                    break;
                }
                flow += pushed;
            }
        }
        flow
    }

    fn bfs(&mut self, s: usize, t: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = -1);
        self.level[s] = 0;
        let mut queue = std::collections::VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            for &edge in &self.head[u] {
                let v = self.to[edge];
                if self.cap[edge] > 0 && self.level[v] < 0 {
                    self.level[v] = self.level[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        self.level[t] >= 0
    }

    /// Recursion depth is the length of one augmenting path in the level graph, so at most
    /// the number of nodes (a few hundred here).
    fn dfs(&mut self, u: usize, t: usize, limit: i64) -> i64 {
        if u == t {
            return limit;
        }
        while self.next[u] < self.head[u].len() {
            let edge = self.head[u][self.next[u]];
            let v = self.to[edge];
            if self.cap[edge] > 0 && self.level[v] == self.level[u] + 1 {
                let pushed = self.dfs(v, t, limit.min(self.cap[edge]));
                if pushed > 0 {
                    self.cap[edge] -= pushed;
                    self.cap[edge ^ 1] += pushed;
                    return pushed;
                }
            }
            self.next[u] += 1;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn app(id: i64, unit: i64, already: &[i64]) -> AppSlot {
        AppSlot {
            application_id: id,
            unit_id: unit,
            already: already.to_vec(),
        }
    }

    fn expert(id: i64, unit: i64, load: u32) -> ExpertSlot {
        ExpertSlot {
            expert_id: id,
            unit_id: unit,
            current_load: load,
        }
    }

    fn loads(experts: &[ExpertSlot], pairs: &[(i64, i64)]) -> BTreeMap<i64, i64> {
        let mut load: BTreeMap<i64, i64> = experts
            .iter()
            .map(|e| (e.expert_id, i64::from(e.current_load)))
            .collect();
        pairs.iter().for_each(|(_, e)| *load.entry(*e).or_default() += 1);
        load
    }

    fn spread_of(experts: &[ExpertSlot], pairs: &[(i64, i64)]) -> i64 {
        let load = loads(experts, pairs);
        load.values().max().unwrap_or(&0) - load.values().min().unwrap_or(&0)
    }

    /// Checks R-COI, distinctness, `already` and coverage; panics with the broken rule.
    fn check_valid(apps: &[AppSlot], experts: &[ExpertSlot], per_app: u32, pairs: &[(i64, i64)]) {
        let unit_of: BTreeMap<i64, i64> = experts.iter().map(|e| (e.expert_id, e.unit_id)).collect();
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, pairs, "pairs are sorted");
        for a in apps {
            let new: Vec<i64> = pairs
                .iter()
                .filter(|p| p.0 == a.application_id)
                .map(|p| p.1)
                .collect();
            let mut all: Vec<i64> = a.already.iter().chain(&new).copied().collect();
            all.sort_unstable();
            all.dedup();
            assert_eq!(
                all.len(),
                a.already.len() + new.len(),
                "distinct experts on {}",
                a.application_id
            );
            assert!(
                all.len() >= per_app as usize,
                "application {} covered",
                a.application_id
            );
            for e in new {
                assert_ne!(
                    unit_of[&e], a.unit_id,
                    "R-COI on application {}",
                    a.application_id
                );
            }
        }
    }

    /// Arrival-order greedy: each application takes its least-loaded allowed experts.
    fn greedy_by_arrival(apps: &[AppSlot], experts: &[ExpertSlot], per_app: u32) -> Vec<(i64, i64)> {
        let mut load = loads(experts, &[]);
        let mut pairs = Vec::new();
        for a in apps {
            let mut allowed: Vec<i64> = experts
                .iter()
                .filter(|e| e.unit_id != a.unit_id && !a.already.contains(&e.expert_id))
                .map(|e| e.expert_id)
                .collect();
            allowed.sort_by_key(|e| (load[e], *e));
            for e in allowed.into_iter().take(per_app as usize - a.already.len()) {
                *load.get_mut(&e).unwrap() += 1;
                pairs.push((a.application_id, e));
            }
        }
        pairs
    }

    /// R-COI
    #[test]
    fn even_spread_is_found_where_greedy_by_arrival_leaves_a_spread_of_two() {
        // Application 1 may go to either expert; application 2 only to expert 10 (expert 20
        // shares its unit). Greedy gives both to expert 10.
        let apps = [app(1, 3, &[]), app(2, 2, &[])];
        let experts = [expert(10, 1, 0), expert(20, 2, 0)];
        assert_eq!(spread_of(&experts, &greedy_by_arrival(&apps, &experts, 1)), 2);

        let pairs = assign(&apps, &experts, 1).unwrap();

        check_valid(&apps, &experts, 1, &pairs);
        assert!(spread_of(&experts, &pairs) <= 1);
        assert_eq!(pairs, [(1, 20), (2, 10)]);
    }

    /// R-COI
    #[test]
    fn an_expert_is_never_assigned_to_an_application_of_their_own_unit() {
        let apps: Vec<AppSlot> = (0..30).map(|i| app(i, i % 4, &[])).collect();
        let experts: Vec<ExpertSlot> = (0..8).map(|i| expert(100 + i, i % 4, 0)).collect();

        let pairs = assign(&apps, &experts, 3).unwrap();

        check_valid(&apps, &experts, 3, &pairs);
        assert_eq!(pairs.len(), 90);
        assert!(spread_of(&experts, &pairs) <= 1);
    }

    /// R-COI
    #[test]
    fn experts_already_assigned_count_and_are_not_repeated() {
        let apps = [app(1, 9, &[10]), app(2, 9, &[10, 11])];
        let experts = [expert(10, 1, 2), expert(11, 2, 1), expert(12, 3, 0)];

        let pairs = assign(&apps, &experts, 2).unwrap();

        check_valid(&apps, &experts, 2, &pairs);
        assert_eq!(pairs, [(1, 12)]);
    }

    /// R-COI
    #[test]
    fn applications_that_cannot_be_covered_are_named_and_nothing_is_assigned() {
        let apps = [app(7, 1, &[]), app(3, 2, &[12]), app(5, 3, &[]), app(4, 1, &[11])];
        let experts = [expert(10, 1, 0), expert(11, 2, 0), expert(12, 1, 0)];

        let result = assign(&apps, &experts, 2);

        // 7 and 4 are of unit 1 like experts 10 and 12, and 4 already has 11; 3 has 12 and
        // may take 10; 5 may take anyone.
        assert_eq!(result, Err(vec![4, 7]));
        assert_eq!(assign(&apps, &[], 1), Err(vec![5, 7]));
        assert_eq!(assign(&apps, &[], 0), Ok(vec![]));
    }

    /// R-COI
    #[test]
    fn current_loads_are_evened_out_by_the_new_pairs() {
        let apps: Vec<AppSlot> = (0..6).map(|i| app(i, 0, &[])).collect();
        let experts = [expert(1, 1, 5), expert(2, 2, 0), expert(3, 3, 1)];

        let pairs = assign(&apps, &experts, 1).unwrap();

        // Twelve in all: expert 1 keeps its five, the others take 4 + 3 (spread 2, optimal).
        assert!(pairs.iter().all(|&(_, e)| e != 1));
        assert_eq!(spread_of(&experts, &pairs), 2);
    }

    /// R-COI
    #[test]
    fn the_result_does_not_depend_on_input_order() {
        let apps: Vec<AppSlot> = (0..40).map(|i| app(i, (i * 7) % 5, &[])).collect();
        let experts: Vec<ExpertSlot> = (0..9).map(|i| expert(i, i % 5, (i % 3) as u32)).collect();
        let (mut apps_rev, mut experts_rev) = (apps.clone(), experts.clone());
        apps_rev.reverse();
        experts_rev.reverse();

        assert_eq!(assign(&apps, &experts, 3), assign(&apps_rev, &experts_rev, 3));
    }

    /// R-COI
    #[test]
    fn five_hundred_applications_and_a_hundred_experts_are_assigned_evenly() {
        let apps: Vec<AppSlot> = (0..500).map(|i| app(i, (i * 13) % 40, &[])).collect();
        let experts: Vec<ExpertSlot> = (0..100).map(|i| expert(i, i % 40, (i % 4) as u32)).collect();

        let pairs = assign(&apps, &experts, 5).unwrap();

        check_valid(&apps, &experts, 5, &pairs);
        assert!(spread_of(&experts, &pairs) <= 1);
    }

    /// Smallest spread over every valid assignment (tiny instances only).
    fn brute_force_spread(apps: &[AppSlot], experts: &[ExpertSlot], per_app: u32) -> Option<i64> {
        fn go(
            i: usize,
            apps: &[AppSlot],
            experts: &[ExpertSlot],
            per_app: u32,
            load: &mut Vec<i64>,
        ) -> Option<i64> {
            let Some(a) = apps.get(i) else {
                return Some(load.iter().max().unwrap_or(&0) - load.iter().min().unwrap_or(&0));
            };
            let allowed: Vec<usize> = (0..experts.len())
                .filter(|&e| experts[e].unit_id != a.unit_id && !a.already.contains(&experts[e].expert_id))
                .collect();
            let need = (per_app as usize).saturating_sub(a.already.len());
            let mut best = None;
            for mask in 0_u32..(1 << allowed.len()) {
                if mask.count_ones() as usize != need {
                    continue;
                }
                let chosen: Vec<usize> = (0..allowed.len())
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| allowed[b])
                    .collect();
                chosen.iter().for_each(|&e| load[e] += 1);
                let spread = go(i + 1, apps, experts, per_app, load);
                chosen.iter().for_each(|&e| load[e] -= 1);
                best = match (best, spread) {
                    (Some(b), Some(s)) => Some(std::cmp::min(b, s)),
                    (b, s) => b.or(s),
                };
            }
            best
        }
        let mut load: Vec<i64> = experts.iter().map(|e| i64::from(e.current_load)).collect();
        go(0, apps, experts, per_app, &mut load)
    }

    fn instance() -> impl Strategy<Value = (Vec<AppSlot>, Vec<ExpertSlot>, u32)> {
        let experts = prop::collection::vec((0_i64..3, 0_u32..3), 1..5);
        let apps = prop::collection::vec((0_i64..3, any::<bool>()), 1..5);
        (experts, apps, 1_u32..3).prop_map(|(experts, apps, per_app)| {
            let experts: Vec<ExpertSlot> = experts
                .into_iter()
                .enumerate()
                .map(|(i, (unit, load))| expert(i as i64, unit, load))
                .collect();
            let apps = apps
                .into_iter()
                .enumerate()
                .map(|(i, (unit, has_one))| {
                    // Optionally one expert already on it, taken from another unit.
                    let already: Vec<i64> = experts
                        .iter()
                        .filter(|e| has_one && e.unit_id != unit)
                        .take(1)
                        .map(|e| e.expert_id)
                        .collect();
                    app(100 + i as i64, unit, &already)
                })
                .collect();
            (apps, experts, per_app)
        })
    }

    proptest! {
        /// R-COI
        #[test]
        fn assignment_is_valid_and_its_spread_is_the_brute_force_optimum((apps, experts, per_app) in instance()) {
            let optimum = brute_force_spread(&apps, &experts, per_app);
            match assign(&apps, &experts, per_app) {
                Ok(pairs) => {
                    check_valid(&apps, &experts, per_app, &pairs);
                    prop_assert_eq!(Some(spread_of(&experts, &pairs)), optimum);
                }
                Err(ids) => {
                    prop_assert_eq!(optimum, None);
                    prop_assert!(!ids.is_empty());
                    for a in &apps {
                        let allowed = experts.iter().filter(|e| e.unit_id != a.unit_id && !a.already.contains(&e.expert_id)).count();
                        let short = allowed + a.already.len() < per_app as usize;
                        prop_assert_eq!(ids.contains(&a.application_id), short);
                    }
                }
            }
        }
    }
}
