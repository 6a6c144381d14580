# Must never run under the shim on an interpreter it refuses.
import sys
sys.stdout.write("the script ran\n")
