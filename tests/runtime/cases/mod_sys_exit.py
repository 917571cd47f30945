# sys.exit with an int sets the exit status; finally blocks still run.
import sys
try:
    print("exiting with 3")
    sys.exit(3)
finally:
    print("finally ran")
print("not reached")
