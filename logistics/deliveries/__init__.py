"""Where collected food goes and how it arrives: the antenna's allocation rule (fair shares,
reception hours, dates), a coordinator's say on the destination, the receiving association's
receipt, and the settling of a receipt that disagrees with the driver.
"""
