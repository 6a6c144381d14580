"""Class bodies run code named after their class: they are not calls."""


class Shop:
    class Meta:
        ordering = "name"

    def price(self):
        return 1


def make():
    class Local:
        pass
    return Local


for _ in range(3):
    make()
Shop().price()
