# gc.collect returns an int; repeated collection with live references keeps data.
import gc
keep = [[i] * 5 for i in range(500)]
r = gc.collect()
print(type(r).__name__, sum(k[0] for k in keep))
for _ in range(3):
    tmp = [str(i) for i in range(5000)]
    gc.collect()
print(len(tmp), tmp[-1], keep[499])
