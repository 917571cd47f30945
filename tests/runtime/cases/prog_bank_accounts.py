# A small object-oriented program: accounts, transfers and errors.
class InsufficientFunds(Exception):
    def __init__(self, need, have):
        super().__init__(f"need {need}, have {have}")
        self.need, self.have = need, have
class Account:
    _next_id = 1
    def __init__(self, owner, balance=0):
        self.id = Account._next_id
        Account._next_id += 1
        self.owner = owner
        self._balance = balance
        self.history = []
    @property
    def balance(self):
        return self._balance
    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("amount must be positive")
        self._balance += amount
        self.history.append(("dep", amount))
    def withdraw(self, amount):
        if amount > self._balance:
            raise InsufficientFunds(amount, self._balance)
        self._balance -= amount
        self.history.append(("wd", amount))
    def __repr__(self):
        return f"Account#{self.id}({self.owner}, {self._balance})"
def transfer(src, dst, amount):
    src.withdraw(amount)
    dst.deposit(amount)
a, b = Account("ann", 100), Account("bob")
transfer(a, b, 30)
try:
    transfer(b, a, 50)
except InsufficientFunds as e:
    print("failed:", e, e.need - e.have)
try:
    a.deposit(-5)
except ValueError as e:
    print("failed:", e)
print(a, b, a.history, b.history)
