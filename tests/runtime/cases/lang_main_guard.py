# The usual main guard runs when the file is the main program.
def main():
    print("main ran", __name__)
if __name__ == "__main__":
    main()
else:
    print("imported")
