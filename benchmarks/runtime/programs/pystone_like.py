# A pystone-like loop: records, small procedures, globals, string compares.
# Written for this project; prints a checksum of the final state.
LOOPS = 300000

class Record:
    def __init__(self, link=None, discr=0, enum=0, intval=0, strval=""):
        self.link = link
        self.discr = discr
        self.enum = enum
        self.intval = intval
        self.strval = strval

    def copy(self):
        return Record(self.link, self.discr, self.enum, self.intval, self.strval)

int_glob = 0
bool_glob = False
char1 = "\0"
char2 = "\0"
arr1 = [0] * 51
arr2 = [[0] * 51 for _ in range(51)]
ptr_glob = None

def func1(c1, c2):
    return 0 if c1 != c2 else 1

def func2(s1, s2):
    idx = 1
    while idx <= 1:
        if func1(s1[idx], s2[idx + 1]) == 0:
            idx += 1
    if s1 > s2:
        return True
    return False

def func3(e):
    return e == 2

def proc3(ptr):
    global int_glob
    if ptr_glob is not None:
        ptr = ptr_glob.link
    else:
        int_glob = 100
    ptr_glob.intval = proc7(10, int_glob)
    return ptr

def proc6(e):
    out = e
    if not func3(e):
        out = 3
    if e == 0:
        out = 0
    elif e == 1:
        out = 0 if int_glob > 100 else 3
    elif e == 2:
        out = 1
    elif e == 4:
        out = 2
    return out

def proc7(a, b):
    return b + a + 2

def proc8(a1, a2, i1, i2):
    global int_glob
    loc = i1 + 5
    a1[loc] = i2
    a1[loc + 1] = a1[loc]
    a1[loc + 30] = loc
    for idx in range(loc, loc + 2):
        a2[loc][idx] = loc
    a2[loc][loc - 1] += 1
    a2[loc + 20][loc] = a1[loc]
    int_glob = 5

def proc1(ptr):
    nxt = ptr.link = ptr_glob.copy()
    ptr.intval = 5
    nxt.intval = ptr.intval
    nxt.link = ptr.link
    nxt.link = proc3(nxt.link)
    if nxt.discr == 0:
        nxt.intval = 6
        nxt.enum = proc6(ptr.enum)
        nxt.link = ptr_glob.link
        nxt.intval = proc7(nxt.intval, 10)
    else:
        ptr = nxt.copy()
    nxt.link = None
    return ptr

def main():
    global ptr_glob, int_glob, bool_glob, char1, char2
    ptr_glob = Record()
    ptr_glob.link = Record()
    ptr_glob.discr = 0
    ptr_glob.enum = 2
    ptr_glob.intval = 40
    ptr_glob.strval = "DHRYSTONE PROGRAM, SOME STRING"
    s1 = "DHRYSTONE PROGRAM, 1'ST STRING"
    arr2[8][7] = 10
    total = 0
    for i in range(LOOPS):
        char1 = "A"
        char2 = "B"
        bool_glob = True
        i1 = 2
        i2 = 3
        s2 = "DHRYSTONE PROGRAM, 2'ND STRING"
        e = 1
        bool_glob = not func2(s1, s2)
        while i1 < i2:
            i3 = 5 * i1 - i2
            i3 = proc7(i1, i2)
            i1 += 1
        proc8(arr1, arr2, i1, i3)
        ptr_glob = proc1(ptr_glob)
        c = "A"
        while c <= char2:
            if e == func1(c, "C"):
                e = proc6(0)
            c = chr(ord(c) + 1)
        i2 = i2 * i1
        i1 = i2 // i3
        i2 = 7 * (i2 - i3) - i1
        total += i1 + i2 + i3 + int_glob + ptr_glob.intval
    return total

print("pystone_like", main(), arr1[8], arr2[8][7], ptr_glob.intval)
