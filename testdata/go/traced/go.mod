module gosched/traced

go 1.19
