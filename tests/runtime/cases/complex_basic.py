# complex numbers (optional in the issue; must match when present).
z = complex(3, 4)
w = 1 - 2j
print(z, w, z + w, z * w, z / w, z - 1, -z, abs(z), z.real, z.imag, z.conjugate())
print(complex("1+2j"), complex(2), 1j * 1j, (1 + 1j) ** 2, z == complex(3, 4))
print(repr(0j), repr(-1j), repr(complex(0, -0.0)), str(1.5 + 0j))
