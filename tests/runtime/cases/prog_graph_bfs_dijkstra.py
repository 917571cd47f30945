# Graph search: BFS shortest path on a grid and Dijkstra with heapq.
import heapq
maze = ["S.#.......",
        ".##.####.#",
        "....#....#",
        "#.#.#.##..",
        "..#...#..E"]
H, W = len(maze), len(maze[0])
start = next((r, c) for r in range(H) for c in range(W) if maze[r][c] == "S")
end = next((r, c) for r in range(H) for c in range(W) if maze[r][c] == "E")
dist = {start: 0}
frontier = [start]
while frontier:
    nxt = []
    for r, c in frontier:
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < H and 0 <= nc < W and maze[nr][nc] != "#" and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                nxt.append((nr, nc))
    frontier = nxt
print(start, end, dist.get(end), len(dist))
graph = {"a": {"b": 7, "c": 9, "f": 14}, "b": {"a": 7, "c": 10, "d": 15}, "c": {"a": 9, "b": 10, "d": 11, "f": 2},
         "d": {"b": 15, "c": 11, "e": 6}, "e": {"d": 6, "f": 9}, "f": {"a": 14, "c": 2, "e": 9}}
best = {"a": 0}
pq = [(0, "a")]
while pq:
    d, u = heapq.heappop(pq)
    if d > best[u]:
        continue
    for v, w in graph[u].items():
        if d + w < best.get(v, 10 ** 9):
            best[v] = d + w
            heapq.heappush(pq, (d + w, v))
print(sorted(best.items()))
